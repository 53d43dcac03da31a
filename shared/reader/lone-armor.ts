// A text body (or an .asc file) that is one well-formed armored OpenPGP message and nothing else
// (RFC 9580 §6.2): the common case of a large inline-PGP body. It is opened straight from its
// bytes, as shared/reader/text-parts.ts would open its one block, without the text copies the
// tolerant armor detector works on (a 25 MB .asc file cost about ten times its size that way;
// docs/limits.md, Memory). Anything less regular, even by one character, takes the text path.

const BEGIN = '-----BEGIN PGP MESSAGE-----';
const END = '-----END PGP MESSAGE-----';

function isBlank(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isBase64(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2b ||
    c === 0x2f
  );
}

function startsWithText(bytes: Uint8Array, at: number, text: string): boolean {
  if (bytes.length - at < text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The end of the line starting at `at` (its LF, or the end), and where the next line starts. */
function lineAt(bytes: Uint8Array, at: number): { end: number; next: number } {
  const lf = bytes.indexOf(0x0a, at);
  if (lf < 0) return { end: bytes.length, next: bytes.length };
  return { end: lf > at && bytes[lf - 1] === 0x0d ? lf - 1 : lf, next: lf + 1 };
}

/**
 * Whether the bytes are blanks, a BEGIN PGP MESSAGE line, `Key: value` armor headers, a blank
 * line, base64 lines (the last may end in padding), an optional `=` checksum line, the END line
 * and blanks: nothing the armor detector would repair, and no text around the block.
 */
export function isLoneArmoredMessage(bytes: Uint8Array): boolean {
  let at = 0;
  while (at < bytes.length && isBlank(bytes[at])) at++;
  if (!startsWithText(bytes, at, BEGIN)) return false;
  let line = lineAt(bytes, at);
  if (line.end !== at + BEGIN.length) return false;
  // Armor headers, then the blank line (RFC 9580 §6.2).
  for (;;) {
    at = line.next;
    line = lineAt(bytes, at);
    if (at >= bytes.length) return false;
    if (line.end === at) break;
    const colon = bytes.indexOf(0x3a, at);
    if (colon <= at || colon >= line.end) return false;
    for (let i = at; i < line.end; i++) if (bytes[i]! < 0x20 || bytes[i]! > 0x7e) return false;
  }
  // Base64 lines, padding only at the end of the last one, then an optional `=` checksum line.
  let padded = false;
  let checksummed = false;
  for (;;) {
    at = line.next;
    line = lineAt(bytes, at);
    if (at >= bytes.length) return false;
    if (bytes[at] === 0x2d) break;
    if (line.end === at || checksummed) return false;
    if (bytes[at] === 0x3d) {
      if (line.end - at !== 5) return false;
      for (let i = at + 1; i < line.end; i++) if (!isBase64(bytes[i]!)) return false;
      checksummed = true;
      continue;
    }
    if (padded) return false;
    for (let i = at; i < line.end; i++) {
      const c = bytes[i]!;
      if (c === 0x3d) padded = true;
      else if (padded || !isBase64(c)) return false;
    }
  }
  if (!startsWithText(bytes, at, END) || line.end !== at + END.length) return false;
  for (let i = line.next; i < bytes.length; i++) if (!isBlank(bytes[i])) return false;
  return true;
}
