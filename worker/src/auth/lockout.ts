// Failed-login lockout enforced in D1, per address and per client IP, and per device token.
// Each attempt is reserved before the auth key is checked: one upsert increments the counter
// only while the key is not locked, so concurrent guesses cannot slip past the limit. A
// success undoes the reservation. From the THRESHOLD-th failure on, the lock doubles:
// 30 s, 60 s, 120 s, … capped at 2^11 × 30 s ≈ 17 h. A day without failures resets the count.
// Anyone can drive up an address's count, so a client that logged in before presents its
// device token (OWASP's device-cookie pattern, device-tokens.ts) and is counted on that token
// alone: guesses from elsewhere cannot lock the owner out.

import { clientKey } from '../lookup/client-key.ts';

export const LOCKOUT = {
  address: { threshold: 5 },
  client: { threshold: 20 },
  device: { threshold: 5 },
  baseMs: 30_000,
  maxShift: 11,
  /** Failures older than this no longer count. */
  decayMs: 24 * 60 * 60 * 1000,
} as const;

type Scope = 'address' | 'client';

/** The doubling lock after `failures` (an SQL expression); shared by every counter here. */
const lockExpression = (failures: string, threshold: string) =>
  `CASE WHEN ${failures} >= ${threshold} THEN ?3 + (?5 << min(${failures} - ${threshold}, ?6)) ELSE 0 END`;

function reserveStatement(db: D1Database, scope: Scope, key: string, now: number): D1PreparedStatement {
  const t = LOCKOUT[scope].threshold;
  // After a quiet day the count starts over, so old failures do not lock a shared client forever.
  const next = 'CASE WHEN updated_at < ?3 - ?7 THEN 1 ELSE failures + 1 END';
  return db
    .prepare(
      `INSERT INTO login_failures (scope, key, failures, locked_until, updated_at)
       VALUES (?1, ?2, 1, CASE WHEN ?4 <= 1 THEN ?3 + ?5 ELSE 0 END, ?3)
       ON CONFLICT (scope, key) DO UPDATE SET
         failures = ${next},
         locked_until = ${lockExpression(next, '?4')},
         updated_at = ?3
       WHERE locked_until <= ?3
       RETURNING failures`,
    )
    .bind(scope, key, now, t, LOCKOUT.baseMs, LOCKOUT.maxShift, LOCKOUT.decayMs);
}

export type Reservation = { ok: true } | { ok: false; retryAfterMs: number };

export async function reserveLoginAttempt(
  db: D1Database,
  address: string,
  client: string,
  now: number,
): Promise<Reservation> {
  const [byAddress, byClient] = await db.batch([
    reserveStatement(db, 'address', address, now),
    reserveStatement(db, 'client', client, now),
  ]);
  if (byAddress?.results.length && byClient?.results.length) return { ok: true };
  const row = await db
    .prepare(
      `SELECT max(locked_until) AS until FROM login_failures
       WHERE (scope = 'address' AND key = ?1) OR (scope = 'client' AND key = ?2)`,
    )
    .bind(address, client)
    .first<{ until: number | null }>();
  return { ok: false, retryAfterMs: Math.max(1000, (row?.until ?? now) - now) };
}

/** A correct auth key: forget the address's failures and give the client its attempt back. */
export async function clearLoginFailures(db: D1Database, address: string, client: string): Promise<void> {
  await db.batch([
    db.prepare(`DELETE FROM login_failures WHERE scope = 'address' AND key = ?1`).bind(address),
    db
      .prepare(
        `UPDATE login_failures SET failures = max(failures - 1, 0),
           locked_until = CASE WHEN failures - 1 >= ?2 THEN locked_until ELSE 0 END
         WHERE scope = 'client' AND key = ?1`,
      )
      .bind(client, LOCKOUT.client.threshold),
  ]);
}

/**
 * A login with a valid device token: counted on the token only (login_devices, 0007), with the
 * same threshold and doubling lock as an address.
 */
export async function reserveDeviceAttempt(
  db: D1Database,
  tokenHash: string,
  now: number,
): Promise<Reservation> {
  const next = 'CASE WHEN failed_at < ?3 - ?7 THEN 1 ELSE failures + 1 END';
  // ?2 is unused: the lock expression's binds keep their numbers in both statements.
  const r = await db
    .prepare(
      `UPDATE login_devices SET failures = ${next}, locked_until = ${lockExpression(next, '?4')}, failed_at = ?3
       WHERE token_hash = ?1 AND locked_until <= ?3 RETURNING failures`,
    )
    .bind(tokenHash, null, now, LOCKOUT.device.threshold, LOCKOUT.baseMs, LOCKOUT.maxShift, LOCKOUT.decayMs)
    .first();
  if (r) return { ok: true };
  const row = await db
    .prepare('SELECT locked_until FROM login_devices WHERE token_hash = ?1')
    .bind(tokenHash)
    .first<{ locked_until: number }>();
  return { ok: false, retryAfterMs: Math.max(1000, (row?.locked_until ?? now) - now) };
}

/** A correct auth key on a trusted device: its failures are forgotten. */
export async function clearDeviceFailures(db: D1Database, tokenHash: string): Promise<void> {
  await db
    .prepare('UPDATE login_devices SET failures = 0, locked_until = 0 WHERE token_hash = ?1')
    .bind(tokenHash)
    .run();
}

/** The lockout key of a client: as for every per-client limit (IPv6 by /64), 'unknown' locally. */
export function lockoutClient(headers: { header(name: string): string | undefined }): string {
  // Cloudflare sets CF-Connecting-IP at the edge; locally it is absent.
  return clientKey(headers.header('CF-Connecting-IP')?.slice(0, 64)) ?? 'unknown';
}
