// The send log (worker/migrations/0016): one row per send request that reached the mail service,
// with a hash of what the relay received (ciphertext or seal, so the hash confirms no guess about
// plaintext), its size, the recipient count and the outcome. No address, subject or text.

import type { Delivery, RelayMode, SendLogEntry } from '../../../shared/api/relay.ts';

interface SendRecord {
  id: string;
  accountId: string;
  at: number;
  mode: RelayMode;
  sha256: string;
  size: number;
  recipients: number;
  delivered: number;
  status: SendLogEntry['status'];
  delivery: Delivery;
  error?: string;
}

/** A repeated request (a client retrying after a lost answer) is recognised for this long. */
const DUPLICATE_WINDOW_MS = 24 * 3_600_000;

export async function recordSend(db: D1Database, r: SendRecord): Promise<void> {
  await db
    .prepare(
      `INSERT INTO relay_send_log (id, account_id, at, mode, sha256, size, recipients, delivered, status, delivery, error)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)`,
    )
    .bind(
      r.id,
      r.accountId,
      r.at,
      r.mode,
      r.sha256,
      r.size,
      r.recipients,
      r.delivered,
      r.status,
      r.delivery,
      r.error ?? null,
    )
    .run();
}

/** Whether the same payload already went out (in part or whole) recently. */
export async function alreadySent(
  db: D1Database,
  accountId: string,
  sha256: string,
  now: number,
): Promise<boolean> {
  const row = await db
    .prepare(
      `SELECT 1 AS x FROM relay_send_log WHERE account_id = ?1 AND sha256 = ?2 AND status != 'failed' AND at > ?3 LIMIT 1`,
    )
    .bind(accountId, sha256, now - DUPLICATE_WINDOW_MS)
    .first();
  return row !== null;
}

export async function listSends(db: D1Database, accountId: string, limit = 100): Promise<SendLogEntry[]> {
  const rows = await db
    .prepare(
      `SELECT id, at, mode, sha256, size, recipients, delivered, status, delivery, error
       FROM relay_send_log WHERE account_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2`,
    )
    .bind(accountId, limit)
    .all<Omit<SendLogEntry, 'error'> & { error: string | null }>();
  return rows.results.map(({ error, ...r }) => ({ ...r, ...(error ? { error } : {}) }));
}
