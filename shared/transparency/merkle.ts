// RFC 9162 §2.1 Merkle tree hashing (docs/spec/transparency-v1.md §2.1, §2.4): leaf and node
// hashes, the root of a list of leaf hashes, and the aligned complete subtrees a range splits
// into, which is how the Worker builds proofs from stored nodes.

import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '../encoding.ts';

export const HASH_BYTES = 32;

/** RFC 9162 §2.1.1: MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

const LEAF_PREFIX = new Uint8Array([0]);
const NODE_PREFIX = new Uint8Array([1]);

/** RFC 9162 §2.1.1: SHA-256(0x00 ‖ leaf). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  return sha256(concatBytes(LEAF_PREFIX, leaf));
}

/** RFC 9162 §2.1.1: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

/** The largest power of two strictly smaller than n (n > 1): RFC 9162's k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A complete subtree: 2^level leaves starting at index · 2^level. */
export interface NodeId {
  level: number;
  index: number;
}

/** A range of leaves [start, end), end exclusive. */
export interface LeafRange {
  start: number;
  end: number;
}

/**
 * §2.4: the aligned complete subtrees that [start, end) is made of, largest first. Valid for
 * every range RFC 9162's recursions produce (start is a multiple of the largest power of two
 * not above end − start).
 */
export function completeSubtrees(range: LeafRange): NodeId[] {
  const out: NodeId[] = [];
  let start = range.start;
  let size = range.end - range.start;
  while (size > 0) {
    let level = 0;
    while (2 ** (level + 1) <= size) level++;
    const width = 2 ** level;
    if (start % width !== 0) throw new RangeError('range is not aligned to a subtree');
    out.push({ level, index: start / width });
    start += width;
    size -= width;
  }
  return out;
}

/** Folds the hashes of a range's complete subtrees (largest first) into the range's MTH. */
export function foldSubtrees(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return EMPTY_ROOT;
  let h = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
  return h;
}

/** MTH(D[n]) from the leaf hashes, RFC 9162 §2.1.1 (iteratively, via the frontier). */
export function rootOf(leafHashes: Uint8Array[]): Uint8Array {
  const frontier = new Frontier();
  for (const h of leafHashes) frontier.push(h);
  return frontier.root();
}

/**
 * The right edge of a growing tree: the complete subtrees of the first `size` leaves, largest
 * first (a compact range from 0). Appending a leaf merges equal-sized neighbours; each merge is a
 * new complete node, reported to `onNode` so the Worker can store it.
 */
export class Frontier {
  readonly nodes: { level: number; hash: Uint8Array }[];
  size: number;

  constructor(size = 0, hashes: Uint8Array[] = []) {
    this.size = size;
    const ids = completeSubtrees({ start: 0, end: size });
    if (ids.length !== hashes.length) throw new RangeError('frontier needs one hash per subtree');
    this.nodes = ids.map((id, i) => ({ level: id.level, hash: hashes[i]! }));
  }

  /** Node ids a frontier of `size` leaves is made of (what to read back from storage). */
  static idsFor(size: number): NodeId[] {
    return completeSubtrees({ start: 0, end: size });
  }

  push(hash: Uint8Array, onNode?: (node: NodeId, hash: Uint8Array) => void): void {
    let level = 0;
    let h = hash;
    let index = this.size;
    onNode?.({ level: 0, index }, h);
    while (this.nodes.length > 0 && this.nodes[this.nodes.length - 1]!.level === level) {
      const left = this.nodes.pop()!;
      h = nodeHash(left.hash, h);
      level++;
      index = Math.floor(index / 2);
      onNode?.({ level, index }, h);
    }
    this.nodes.push({ level, hash: h });
    this.size++;
  }

  root(): Uint8Array {
    return foldSubtrees(this.nodes.map((n) => n.hash));
  }
}
