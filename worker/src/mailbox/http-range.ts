// One byte range of a body (RFC 9110 §14.1.2), for reading large mail in pieces. A Range the
// server does not understand (another unit, several ranges) is ignored and the whole body is
// sent, as §14.2 allows; a range that does not fit the body is 416, however many digits its
// first position has (§14.1.2 sets no bound; Number() of a long one is still beyond the body).

type RangeRequest = { offset: number; length: number } | 'unsatisfiable' | null;

export function parseRange(header: string | undefined, size: number): RangeRequest {
  const m = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    // bytes=-N: the last N bytes.
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    const length = Math.min(n, size);
    return size === 0 ? 'unsatisfiable' : { offset: size - length, length };
  }
  const first = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (first >= size || last < first) return 'unsatisfiable';
  return { offset: first, length: last - first + 1 };
}
