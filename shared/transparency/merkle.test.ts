// RFC 9162 §2.1 tree hashing and proofs: the RFC 6962 reference tree (vectors/rfc6962-tree.json)
// and properties over any tree of N leaves and any two sizes (docs/spec/transparency-v1.md §2).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../encoding.ts';
import { MemoryTree } from './memory-tree.ts';
import { EMPTY_ROOT, leafHash, nodeHash, rootOf } from './merkle.ts';
import { verifyConsistency, verifyInclusion } from './proofs.ts';
import vectors from './vectors/rfc6962-tree.json' with { type: 'json' };

const hex = (list: string[]) => list.map(fromHex);

function referenceTree(): MemoryTree {
  const tree = new MemoryTree();
  for (const leaf of vectors.leaves) tree.appendLeaf(fromHex(leaf));
  return tree;
}

/** Flips one bit of one of the byte strings (fast-check picks which). */
function flipped(parts: Uint8Array[], which: number, bit: number): Uint8Array[] {
  const out = parts.map((p) => p.slice());
  const target = out[which % out.length]!;
  target[(bit >> 3) % target.length]! ^= 1 << (bit & 7);
  return out;
}

describe('RFC 6962 reference tree', () => {
  it('hashes leaves and nodes with the 0x00/0x01 prefixes', () => {
    expect(toHex(EMPTY_ROOT)).toBe(vectors.roots[0]);
    for (const [i, leaf] of vectors.leaves.entries())
      expect(toHex(leafHash(fromHex(leaf)))).toBe(vectors.leafHashes[i]);
    // transparency-dev rfc6962_test.go: HashChildren("N123", "N456").
    const node = nodeHash(new TextEncoder().encode('N123'), new TextEncoder().encode('N456'));
    expect(toHex(node)).toBe('aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb');
  });

  it('gives the published root for every size 0–8', () => {
    const tree = referenceTree();
    for (let size = 0; size <= 8; size++) {
      expect(toHex(tree.root(size))).toBe(vectors.roots[size]);
      expect(toHex(rootOf(hex(vectors.leafHashes.slice(0, size))))).toBe(vectors.roots[size]);
    }
  });

  it('generates and verifies the published inclusion proofs', () => {
    const tree = referenceTree();
    for (const v of vectors.inclusion) {
      expect(tree.inclusionProof(v.index, v.size).map(toHex)).toEqual(v.proof);
      const root = fromHex(vectors.roots[v.size]!);
      expect(
        verifyInclusion(fromHex(vectors.leafHashes[v.index]!), v.index, v.size, hex(v.proof), root),
      ).toBe(true);
    }
  });

  it('generates and verifies the published consistency proofs', () => {
    const tree = referenceTree();
    for (const v of vectors.consistency) {
      expect(tree.consistencyProof(v.from, v.to).map(toHex)).toEqual(v.proof);
      const [a, b] = [fromHex(vectors.roots[v.from]!), fromHex(vectors.roots[v.to]!)];
      expect(verifyConsistency(v.from, v.to, hex(v.proof), a, b)).toBe(true);
    }
  });

  it('refuses the mutations transparency-dev tests (index, size, extra, missing, wrong root)', () => {
    const v = vectors.inclusion[1]!;
    const leaf = fromHex(vectors.leafHashes[v.index]!);
    const root = fromHex(vectors.roots[v.size]!);
    const proof = hex(v.proof);
    expect(verifyInclusion(leaf, v.index + 1, v.size, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, v.index, v.size * 2, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, v.index, v.size / 2, proof, root)).toBe(false);
    expect(verifyInclusion(leaf, v.index, v.size, [...proof, root], root)).toBe(false);
    expect(verifyInclusion(leaf, v.index, v.size, [root, ...proof], root)).toBe(false);
    expect(verifyInclusion(leaf, v.index, v.size, proof.slice(1), root)).toBe(false);
    expect(verifyInclusion(leaf, v.index, v.size, proof, EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(leaf, 8, 8, [], root)).toBe(false);
    const c = vectors.consistency[2]!;
    const [a, b] = [fromHex(vectors.roots[c.from]!), fromHex(vectors.roots[c.to]!)];
    expect(verifyConsistency(c.from, c.to, [], a, b)).toBe(false);
    expect(verifyConsistency(c.to, c.from, hex(c.proof), b, a)).toBe(false);
    expect(verifyConsistency(c.from, c.to, [...hex(c.proof), a], a, b)).toBe(false);
    expect(verifyConsistency(c.from + 1, c.to, hex(c.proof), a, b)).toBe(false);
    // Edges of §2.3: equal sizes need equal roots and no proof; size 0 needs no proof.
    expect(verifyConsistency(3, 3, [], a, a)).toBe(true);
    expect(verifyConsistency(3, 3, [], a, b)).toBe(false);
    expect(verifyConsistency(3, 3, [a], a, a)).toBe(false);
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, b)).toBe(true);
    expect(verifyConsistency(0, 5, [a], EMPTY_ROOT, b)).toBe(false);
  });
});

describe('properties: any tree of N leaves, any sizes', () => {
  const treeOf = (n: number) => {
    const tree = new MemoryTree();
    for (let i = 0; i < n; i++) tree.appendLeaf(new Uint8Array([i & 255, i >> 8, 7]));
    return tree;
  };
  const sizes = fc
    .integer({ min: 1, max: 300 })
    .chain((n) =>
      fc.record({ n: fc.constant(n), a: fc.integer({ min: 0, max: n }), i: fc.nat({ max: n - 1 }) }),
    );

  it('the frontier root equals the recursive MTH for every size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), (n) => {
        const tree = treeOf(n);
        const leaves = Array.from({ length: n }, (_, i) => leafHash(new Uint8Array([i & 255, i >> 8, 7])));
        const mth = (d: Uint8Array[]): Uint8Array => {
          if (d.length === 0) return EMPTY_ROOT;
          if (d.length === 1) return d[0]!;
          let k = 1;
          while (k * 2 < d.length) k *= 2;
          return nodeHash(mth(d.slice(0, k)), mth(d.slice(k)));
        };
        expect(toHex(tree.root())).toBe(toHex(mth(leaves)));
      }),
      { numRuns: 60 },
    );
  });

  it('inclusion proofs verify, and fail for any changed bit, index or size', () => {
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat(), ({ n, i }, which, bit) => {
        const tree = treeOf(n);
        const leaf = leafHash(new Uint8Array([i & 255, i >> 8, 7]));
        const proof = tree.inclusionProof(i, n);
        const root = tree.root(n);
        expect(verifyInclusion(leaf, i, n, proof, root)).toBe(true);
        const parts = [leaf, root, ...proof];
        const bad = flipped(parts, which, bit);
        expect(verifyInclusion(bad[0]!, i, n, bad.slice(2), bad[1]!)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaf, (i + 1) % n, n, proof, root)).toBe(false);
        // A size with another path shape fails; one with the same shape is bound by the signed
        // checkpoint (root and size together), not by the path.
        expect(verifyInclusion(leaf, i, 2 * n, proof, root)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('consistency proofs verify for any two sizes, and fail for any changed bit', () => {
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat(), ({ n, a }, which, bit) => {
        const tree = treeOf(n);
        const proof = tree.consistencyProof(a, n);
        const [ra, rb] = [tree.root(a), tree.root(n)];
        expect(verifyConsistency(a, n, proof, ra, rb)).toBe(true);
        const parts = [ra, rb, ...proof];
        const bad = flipped(parts, which, bit);
        // From the empty tree every tree is consistent (§2.3): only its own root can be wrong.
        if (a > 0 || which % parts.length === 0)
          expect(verifyConsistency(a, n, bad.slice(2), bad[0]!, bad[1]!)).toBe(false);
        if (a > 0 && a < n) expect(verifyConsistency(a, n, proof.slice(0, -1), ra, rb)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
