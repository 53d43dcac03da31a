// The account's security log on the server (worker/migrations/0017): events the owner should see,
// written by the room that noticed them (the relay, for a refused sender). Bounded per account:
// the oldest entries go once it holds more than SECURITY_LOG_LIMIT. Details carry only what the
// account sent itself or already knows; never a message's content.

export const SECURITY_LOG_LIMIT = 500;

export type SecurityEventKind = 'relay_sender_refused';

interface SecurityEventRow {
  at: number;
  kind: string;
  sessionId: string | null;
  detail: Record<string, string>;
}

export async function appendSecurityEvent(
  db: D1Database,
  event: {
    accountId: string;
    sessionId: string | null;
    kind: SecurityEventKind;
    detail: Record<string, string>;
    at: number;
  },
): Promise<void> {
  await db.batch([
    db
      .prepare(
        'INSERT INTO account_security_log (account_id, at, kind, session_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)',
      )
      .bind(event.accountId, event.at, event.kind, event.sessionId, JSON.stringify(event.detail)),
    db
      .prepare(
        `DELETE FROM account_security_log WHERE account_id = ?1 AND seq <= (
           SELECT seq FROM account_security_log WHERE account_id = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)`,
      )
      .bind(event.accountId, SECURITY_LOG_LIMIT),
  ]);
}

export async function listSecurityEvents(
  db: D1Database,
  accountId: string,
  limit = 200,
): Promise<SecurityEventRow[]> {
  const rows = await db
    .prepare(
      'SELECT at, kind, session_id, detail FROM account_security_log WHERE account_id = ?1 ORDER BY seq DESC LIMIT ?2',
    )
    .bind(accountId, limit)
    .all<{ at: number; kind: string; session_id: string | null; detail: string }>();
  return rows.results.map((r) => ({
    at: r.at,
    kind: r.kind,
    sessionId: r.session_id,
    detail: JSON.parse(r.detail) as Record<string, string>,
  }));
}
