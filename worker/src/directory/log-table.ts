// SQL for the append-only directory_log (triggers in 0003 refuse UPDATE and DELETE).

export type LogAction =
  | 'publish'
  | 'replace'
  | 'revoke'
  | 'bind'
  | 'unbind'
  | 'envelope_identity'
  | 'signed_prekey';

export interface LogEntry {
  accountId: string;
  action: LogAction;
  address?: string | null;
  oldFingerprint?: string | null;
  newFingerprint?: string | null;
}

export function appendLogStatement(db: D1Database, e: LogEntry, now: number) {
  return db
    .prepare(
      'INSERT INTO directory_log (at, account_id, action, address, old_fingerprint, new_fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6)',
    )
    .bind(now, e.accountId, e.action, e.address ?? null, e.oldFingerprint ?? null, e.newFingerprint ?? null);
}
