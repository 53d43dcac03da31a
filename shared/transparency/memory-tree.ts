// A whole tree held in memory: the leaf hashes and every complete subtree hash, so that any
// root or proof of any earlier size is a few look-ups. Used by the CLI's auditor, the witness
// and tests; the Worker keeps the same nodes in D1 (worker/src/transparency/tree-store.ts).

import { completeSubtrees, Frontier, foldSubtrees, type LeafRange, leafHash, type NodeId } from './merkle.ts';
import { consistencyRanges, inclusionRanges } from './proofs.ts';

export class MemoryTree {
  /** levels[l][i] is the hash of complete subtree (l, i). */
  private readonly levels: Uint8Array[][] = [];
  private readonly frontier = new Frontier();

  get size(): number {
    return this.frontier.size;
  }

  appendLeaf(leaf: Uint8Array): void {
    this.appendHash(leafHash(leaf));
  }

  appendHash(hash: Uint8Array): void {
    this.frontier.push(hash, (node, h) => {
      const level = this.levels[node.level] ?? [];
      level[node.index] = h;
      this.levels[node.level] = level;
    });
  }

  node(id: NodeId): Uint8Array {
    const h = this.levels[id.level]?.[id.index];
    if (!h) throw new RangeError('no such complete subtree');
    return h;
  }

  rangeHash(range: LeafRange): Uint8Array {
    return foldSubtrees(completeSubtrees(range).map((id) => this.node(id)));
  }

  /** MTH of the first `size` leaves. */
  root(size = this.size): Uint8Array {
    if (size > this.size) throw new RangeError('size beyond the tree');
    return this.rangeHash({ start: 0, end: size });
  }

  inclusionProof(index: number, size = this.size): Uint8Array[] {
    if (size > this.size) throw new RangeError('size beyond the tree');
    return inclusionRanges(index, size).map((r) => this.rangeHash(r));
  }

  consistencyProof(from: number, to = this.size): Uint8Array[] {
    if (to > this.size) throw new RangeError('size beyond the tree');
    return consistencyRanges(from, to).map((r) => this.rangeHash(r));
  }
}
