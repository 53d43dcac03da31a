// RFC 9162 §2.1.3 inclusion and §2.1.4 consistency proofs (docs/spec/transparency-v1.md §2.2,
// §2.3). Generation yields the subtree ranges whose hashes make the proof, so the same code
// serves an in-memory tree (tests, the CLI) and the Worker's stored nodes; verification follows
// the RFC's algorithms step by step. Sizes are safe integers, so bits are taken arithmetically
// (JavaScript's bit operators stop at 32 bits).

import { equalBytes } from '../encoding.ts';
import { EMPTY_ROOT, HASH_BYTES, type LeafRange, nodeHash, splitPoint } from './merkle.ts';

const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);
const isPowerOfTwo = (n: number) => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

function aSize(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`${name}: expected a safe non-negative integer`);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]): the ranges whose hashes form the inclusion proof, leaf first. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  aSize(index, 'index');
  aSize(size, 'size');
  if (index >= size) throw new RangeError('index must be below size');
  const out: LeafRange[] = [];
  const path = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, start + k);
      out.push({ start: start + k, end });
    } else {
      path(m - k, start + k, end);
      out.push({ start, end: start + k });
    }
  };
  path(index, 0, size);
  return out;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) for 0 < m ≤ n (empty for m = n, and for m = 0 by §2.3). */
export function consistencyRanges(from: number, to: number): LeafRange[] {
  aSize(from, 'from');
  aSize(to, 'to');
  if (from > to) throw new RangeError('from must not exceed to');
  const out: LeafRange[] = [];
  if (from === 0 || from === to) return out;
  const subproof = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) out.push({ start, end });
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, whole);
      out.push({ start: start + k, end });
    } else {
      subproof(m - k, start + k, end, false);
      out.push({ start, end: start + k });
    }
  };
  subproof(from, 0, to, true);
  return out;
}

/** RFC 9162 §2.1.3.2 4.b.ii / §2.1.4.2 6.b.ii: if LSB(fn) is not set, shift both until it is or fn is 0. */
function untilOddOrZero(fn: number, sn: number): [number, number] {
  while (!odd(fn) && fn !== 0) {
    fn = half(fn);
    sn = half(sn);
  }
  return [fn, sn];
}

function wellFormed(proof: Uint8Array[]): boolean {
  return proof.every((p) => p instanceof Uint8Array && p.length === HASH_BYTES);
}

/** RFC 9162 §2.1.3.2: does `proof` place `leafHash` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0) return false;
  if (leafHash.length !== HASH_BYTES || root.length !== HASH_BYTES || !wellFormed(proof)) return false;
  // 1. leaf_index < tree_size.
  if (index >= size) return false;
  // 2–3. fn = leaf_index, sn = tree_size − 1, r = hash.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  // 4. For each p in inclusion_path:
  for (const p of proof) {
    if (sn === 0) return false; // a.
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r); // b.i
      [fn, sn] = untilOddOrZero(fn, sn); // b.ii
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn); // c.
    sn = half(sn);
  }
  // 5. sn = 0 and r = root_hash.
  return sn === 0 && equalBytes(r, root);
}

/**
 * RFC 9162 §2.1.4.2 for 0 < from < to; docs/spec/transparency-v1.md §2.3 for the edges: equal
 * sizes need an empty proof and equal roots, from = 0 an empty proof, from > to always fails.
 */
export function verifyConsistency(
  from: number,
  to: number,
  proof: Uint8Array[],
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) return false;
  if (fromRoot.length !== HASH_BYTES || toRoot.length !== HASH_BYTES || !wellFormed(proof)) return false;
  if (from === to) return proof.length === 0 && equalBytes(fromRoot, toRoot);
  if (from === 0) return proof.length === 0 && equalBytes(fromRoot, EMPTY_ROOT);
  // 1. An empty path fails.
  if (proof.length === 0) return false;
  // 2. If first is an exact power of 2, prepend first_hash.
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : proof;
  // 3. fn = first − 1, sn = second − 1.
  let fn = from - 1;
  let sn = to - 1;
  // 4. If LSB(fn) is set, shift both until it is not.
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5. fr = sr = the first value of the path.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6. For each subsequent value c:
  for (const c of path.slice(1)) {
    if (sn === 0) return false; // a.
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr); // b.i
      sr = nodeHash(c, sr);
      [fn, sn] = untilOddOrZero(fn, sn); // b.ii
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn); // c.
    sn = half(sn);
  }
  // 7. fr = first_hash, sr = second_hash, sn = 0.
  return sn === 0 && equalBytes(fr, fromRoot) && equalBytes(sr, toRoot);
}
