// SQL for sessions and their refresh tokens. Routes never build SQL; this module does.

interface SessionRow {
  id: string;
  accountId: string;
  deviceName: string;
  userAgent: string;
  createdAt: number;
  lastUsedAt: number;
  accessExpiresAt: number;
  refreshExpiresAt: number;
  revokedAt: number | null;
}

interface RawSession {
  id: string;
  account_id: string;
  device_name: string;
  user_agent: string;
  created_at: number;
  last_used_at: number;
  access_expires_at: number;
  refresh_expires_at: number;
  revoked_at: number | null;
}

const COLUMNS =
  'id, account_id, device_name, user_agent, created_at, last_used_at, access_expires_at, refresh_expires_at, revoked_at';

function toSession(r: RawSession): SessionRow {
  return {
    id: r.id,
    accountId: r.account_id,
    deviceName: r.device_name,
    userAgent: r.user_agent,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    accessExpiresAt: r.access_expires_at,
    refreshExpiresAt: r.refresh_expires_at,
    revokedAt: r.revoked_at,
  };
}

export async function sessionByAccessHash(db: D1Database, accessHash: string): Promise<SessionRow | null> {
  const r = await db
    .prepare(`SELECT ${COLUMNS} FROM sessions WHERE access_hash = ?1`)
    .bind(accessHash)
    .first<RawSession>();
  return r ? toSession(r) : null;
}

export async function touchSession(db: D1Database, id: string, now: number): Promise<void> {
  await db.prepare('UPDATE sessions SET last_used_at = ?2 WHERE id = ?1').bind(id, now).run();
}

interface NewSession {
  id: string;
  accountId: string;
  deviceName: string;
  userAgent: string;
  accessHash: string;
  refreshHash: string;
  now: number;
  accessExpiresAt: number;
  refreshExpiresAt: number;
}

/** The statements that create a session with its first refresh token (for a batch). */
export function insertSessionStatements(db: D1Database, s: NewSession): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO sessions (id, account_id, device_name, user_agent, created_at, last_used_at,
           access_hash, access_expires_at, refresh_expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8)`,
      )
      .bind(
        s.id,
        s.accountId,
        s.deviceName,
        s.userAgent,
        s.now,
        s.accessHash,
        s.accessExpiresAt,
        s.refreshExpiresAt,
      ),
    db
      .prepare('INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?1, ?2, ?3)')
      .bind(s.refreshHash, s.id, s.now),
  ];
}

type RotateOutcome =
  | { kind: 'rotated'; session: SessionRow }
  | { kind: 'reused' } // a rotated token came back: the whole session is revoked
  | { kind: 'invalid' };

/**
 * Rotates a refresh token. The first statement claims the old token atomically
 * (`rotated_at IS NULL`), so two concurrent refreshes with one token cannot both win;
 * the loser is treated as reuse (OAuth 2.0 Security BCP, RFC 9700 §4.14.2).
 */
export async function rotateRefreshToken(
  db: D1Database,
  oldHash: string,
  next: {
    accessHash: string;
    refreshHash: string;
    now: number;
    accessExpiresAt: number;
    refreshExpiresAt: number;
  },
): Promise<RotateOutcome> {
  const claimed = await db
    .prepare(
      `UPDATE refresh_tokens SET rotated_at = ?2 WHERE hash = ?1 AND rotated_at IS NULL
         AND session_id IN (SELECT id FROM sessions WHERE revoked_at IS NULL AND refresh_expires_at > ?2)
       RETURNING session_id`,
    )
    .bind(oldHash, next.now)
    .first<{ session_id: string }>();
  if (!claimed) {
    const known = await db
      .prepare('SELECT session_id FROM refresh_tokens WHERE hash = ?1 AND rotated_at IS NOT NULL')
      .bind(oldHash)
      .first<{ session_id: string }>();
    if (!known) return { kind: 'invalid' };
    await revokeSession(db, known.session_id, next.now);
    return { kind: 'reused' };
  }
  const [, updated] = await db.batch([
    db
      .prepare('INSERT INTO refresh_tokens (hash, session_id, created_at) VALUES (?1, ?2, ?3)')
      .bind(next.refreshHash, claimed.session_id, next.now),
    db
      .prepare(
        `UPDATE sessions SET access_hash = ?2, access_expires_at = ?3, refresh_expires_at = ?4, last_used_at = ?5
         WHERE id = ?1 RETURNING ${COLUMNS}`,
      )
      .bind(claimed.session_id, next.accessHash, next.accessExpiresAt, next.refreshExpiresAt, next.now),
  ]);
  const row = updated?.results[0] as RawSession | undefined;
  return row ? { kind: 'rotated', session: toSession(row) } : { kind: 'invalid' };
}

export async function revokeSession(db: D1Database, id: string, now: number): Promise<void> {
  await db
    .prepare('UPDATE sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL')
    .bind(id, now)
    .run();
}

/** Revokes one of the account's sessions; false when it has no such live session. */
export async function revokeAccountSession(
  db: D1Database,
  accountId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const r = await db
    .prepare('UPDATE sessions SET revoked_at = ?3 WHERE id = ?1 AND account_id = ?2 AND revoked_at IS NULL')
    .bind(id, accountId, now)
    .run();
  return r.meta.changes > 0;
}

export async function liveSessions(db: D1Database, accountId: string, now: number): Promise<SessionRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM sessions WHERE account_id = ?1 AND revoked_at IS NULL AND refresh_expires_at > ?2
       ORDER BY created_at`,
    )
    .bind(accountId, now)
    .all<RawSession>();
  return results.map(toSession);
}
