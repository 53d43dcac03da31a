// SQL for transparency_nodes (0011) and the proofs built from it (docs/spec/transparency-v1.md
// §2.4): every proof element is a fold of at most log2(n) stored complete subtrees, all read in
// one query.

import { toHex } from '../../../shared/encoding.ts';
import {
  completeSubtrees,
  consistencyRanges,
  foldSubtrees,
  inclusionRanges,
  type LeafRange,
  type NodeId,
} from '../../../shared/transparency/index.ts';

export interface StoredNode extends NodeId {
  hash: Uint8Array;
}

const key = (id: NodeId) => `${id.level}/${id.index}`;

/** The hashes of `ids`, in order; throws if one is not stored (the tree must be integrated). */
export async function readNodes(db: D1Database, ids: NodeId[]): Promise<Uint8Array[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT level, idx, hash FROM transparency_nodes WHERE (level, idx) IN
         (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1))`,
    )
    .bind(JSON.stringify(ids.map((id) => [id.level, id.index])))
    .all<{ level: number; idx: number; hash: ArrayBuffer | number[] }>();
  const found = new Map(results.map((r) => [`${r.level}/${r.idx}`, new Uint8Array(r.hash)]));
  return ids.map((id) => {
    const h = found.get(key(id));
    if (!h) throw new Error('transparency_nodes lacks a node');
    return h;
  });
}

const NODES_PER_STATEMENT = 2000;

/** INSERT OR IGNORE: nodes are a function of the leaves, so a second writer writes the same. */
export function writeNodesStatements(db: D1Database, nodes: StoredNode[]): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  for (let i = 0; i < nodes.length; i += NODES_PER_STATEMENT) {
    const chunk = nodes.slice(i, i + NODES_PER_STATEMENT).map((n) => [n.level, n.index, toHex(n.hash)]);
    out.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO transparency_nodes (level, idx, hash)
           SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), unhex(json_extract(value, '$[2]'))
           FROM json_each(?1)`,
        )
        .bind(JSON.stringify(chunk)),
    );
  }
  return out;
}

async function hashesOf(db: D1Database, ranges: LeafRange[]): Promise<Uint8Array[]> {
  const parts = ranges.map(completeSubtrees);
  const hashes = await readNodes(db, parts.flat());
  let at = 0;
  return parts.map((ids) => {
    const slice = hashes.slice(at, at + ids.length);
    at += ids.length;
    return foldSubtrees(slice);
  });
}

/** RFC 9162 §2.1.3.1 from stored nodes; `size` must be integrated. */
export function inclusionProof(db: D1Database, index: number, size: number): Promise<Uint8Array[]> {
  return hashesOf(db, inclusionRanges(index, size));
}

/** RFC 9162 §2.1.4.1 from stored nodes; `to` must be integrated. */
export function consistencyProof(db: D1Database, from: number, to: number): Promise<Uint8Array[]> {
  return hashesOf(db, consistencyRanges(from, to));
}
