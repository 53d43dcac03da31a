// The append-only directory_log (triggers refuse UPDATE and DELETE). Every directory change goes
// through appendLogStatement, as one statement of the same D1 batch as the change itself, so the
// log holds exactly the changes that happened: a key published, replaced, merged ('update') or
// revoked, an address bound or released ('unbind'), an envelope identity or signed prekey
// published. A later transparency log is built from these rows.
// Columns: `address` (bind/unbind), `new_fingerprint` / `old_fingerprint`: the OpenPGP key
// after and before the change; for 'envelope_identity' the identity signing key (hex) after
// and before.

type LogAction =
  | 'publish'
  | 'replace'
  | 'update'
  | 'revoke'
  | 'bind'
  | 'unbind'
  | 'envelope_identity'
  | 'signed_prekey';

interface LogEntry {
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
