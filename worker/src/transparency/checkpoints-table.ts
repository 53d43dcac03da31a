// SQL for transparency_checkpoints, transparency_cosignatures and transparency_witness_state
// (0012).

export interface CheckpointRow {
  size: number;
  root: Uint8Array;
  note: string;
  signedAt: number;
}

interface RawCheckpoint {
  size: number;
  root: ArrayBuffer | number[];
  note: string;
  signed_at: number;
}

const toRow = (r: RawCheckpoint): CheckpointRow => ({
  size: r.size,
  root: new Uint8Array(r.root),
  note: r.note,
  signedAt: r.signed_at,
});

export async function latestCheckpoint(db: D1Database): Promise<CheckpointRow | null> {
  const r = await db
    .prepare('SELECT size, root, note, signed_at FROM transparency_checkpoints ORDER BY size DESC LIMIT 1')
    .first<RawCheckpoint>();
  return r ? toRow(r) : null;
}

export function insertCheckpointStatement(db: D1Database, row: CheckpointRow): D1PreparedStatement {
  return db
    .prepare(
      'INSERT OR IGNORE INTO transparency_checkpoints (size, root, note, signed_at) VALUES (?1, ?2, ?3, ?4)',
    )
    .bind(row.size, row.root, row.note, row.signedAt);
}

export async function cosignatureLines(db: D1Database, size: number): Promise<string[]> {
  const { results } = await db
    .prepare('SELECT line FROM transparency_cosignatures WHERE size = ?1 ORDER BY witness')
    .bind(size)
    .all<{ line: string }>();
  return results.map((r) => r.line);
}

export function recordCosignatureStatements(
  db: D1Database,
  size: number,
  witness: string,
  line: string,
): D1PreparedStatement[] {
  return [
    db
      .prepare('INSERT OR IGNORE INTO transparency_cosignatures (size, witness, line) VALUES (?1, ?2, ?3)')
      .bind(size, witness, line),
    witnessSizeStatement(db, witness, size),
  ];
}

export function witnessSizeStatement(db: D1Database, witness: string, size: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO transparency_witness_state (witness, size) VALUES (?1, ?2)
       ON CONFLICT (witness) DO UPDATE SET size = MAX(size, excluded.size)`,
    )
    .bind(witness, size);
}

export async function witnessSize(db: D1Database, witness: string): Promise<number> {
  const r = await db
    .prepare('SELECT size FROM transparency_witness_state WHERE witness = ?1')
    .bind(witness)
    .first<{ size: number }>();
  return r?.size ?? 0;
}
