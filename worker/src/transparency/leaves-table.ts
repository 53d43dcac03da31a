// SQL for transparency_leaves (0010): append-only; a leaf's index is the next free one, taken
// inside the batch that writes the directory change (D1 runs a batch as one transaction).

export function insertLeafStatement(db: D1Database, leaf: Uint8Array): D1PreparedStatement {
  return db
    .prepare(
      'INSERT INTO transparency_leaves (idx, leaf, label) SELECT COALESCE(MAX(idx) + 1, 0), ?1, ?2 FROM transparency_leaves',
    )
    .bind(leaf, leaf.slice(10, 42));
}

export async function leafCount(db: D1Database): Promise<number> {
  const row = await db
    .prepare('SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM transparency_leaves')
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Leaves [start, end) in order; throws if one is missing (the index must be dense). */
export async function leavesRange(db: D1Database, start: number, end: number): Promise<Uint8Array[]> {
  if (end <= start) return [];
  const { results } = await db
    .prepare('SELECT idx, leaf FROM transparency_leaves WHERE idx >= ?1 AND idx < ?2 ORDER BY idx')
    .bind(start, end)
    .all<{ idx: number; leaf: ArrayBuffer | number[] }>();
  if (results.length !== end - start || results.some((r, i) => r.idx !== start + i))
    throw new Error('transparency_leaves has a gap');
  return results.map((r) => new Uint8Array(r.leaf));
}
