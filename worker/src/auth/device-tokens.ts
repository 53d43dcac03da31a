// Device tokens (OWASP Authentication Cheat Sheet, "device cookies"): every successful login or
// registration hands the client a random token naming (account, device). A later login that
// presents it is counted on the token alone (lockout.ts, reserveDeviceAttempt), not on the
// per-address and per-client counters that anyone can drive up: guessing from elsewhere cannot
// lock the owner out, and the owner's own device still has a lock of its own. D1 stores only
// the token's SHA-256; a login with a token rotates it.

import { newToken, tokenHash } from './tokens.ts';

const DEVICE_TOKEN_TTL_MS = 180 * 24 * 3600 * 1000;

/** The token's hash, when it is live and was issued to `accountId`. */
export async function trustedDevice(
  db: D1Database,
  token: string | undefined,
  accountId: string | undefined,
  now: number,
): Promise<string | null> {
  if (!token) return null;
  const hash = await tokenHash(token);
  const row = await db
    .prepare('SELECT account_id FROM login_devices WHERE token_hash = ?1 AND expires_at > ?2')
    .bind(hash, now)
    .first<{ account_id: string }>();
  return row && accountId !== undefined && row.account_id === accountId ? hash : null;
}

/** A new device token for the account and the statements that store it (and drop `replaces`). */
export async function issueDeviceToken(
  db: D1Database,
  accountId: string,
  now: number,
  replaces: string | null,
): Promise<{ token: string; statements: D1PreparedStatement[] }> {
  const token = newToken();
  return {
    token,
    statements: [
      ...(replaces ? [db.prepare('DELETE FROM login_devices WHERE token_hash = ?1').bind(replaces)] : []),
      db.prepare('DELETE FROM login_devices WHERE account_id = ?1 AND expires_at <= ?2').bind(accountId, now),
      db
        .prepare(
          'INSERT INTO login_devices (token_hash, account_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)',
        )
        .bind(await tokenHash(token), accountId, now, now + DEVICE_TOKEN_TTL_MS),
    ],
  };
}
