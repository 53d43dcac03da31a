// Inboxes on the service domain need no mail round trip, so they are what a squatter would
// hoard. Two strict limits, counted in D1 like the bundle limits: a few inboxes per account,
// and a few inbox claims per client (CF-Connecting-IP, IPv6 by /64) per day. Without that
// header, or with a loopback address in it (`wrangler dev` sets 127.0.0.1), there is no
// Cloudflare edge in front and no client to key on, so only the per-account cap applies.

import { ApiError } from '../http/errors.ts';
import { clientKey } from '../lookup/client-key.ts';

export const INBOX_LIMITS = {
  perAccount: 3,
  perClientPerDay: 5,
} as const;

const DAY = 24 * 3_600_000;

/** The client to count claims for, from CF-Connecting-IP: none for a local or missing one. */
export function claimingClient(ip: string | undefined): string | undefined {
  const raw = ip?.trim();
  if (!raw || /^127\./.test(raw) || raw === '::1' || /^::ffff:127\./i.test(raw)) return undefined;
  return clientKey(raw);
}

async function serviceInboxes(db: D1Database, accountId: string): Promise<number> {
  const r = await db
    .prepare(`SELECT count(*) AS n FROM addresses WHERE account_id = ?1 AND kind = 'service'`)
    .bind(accountId)
    .first<{ n: number }>();
  return r?.n ?? 0;
}

function bumpStatement(db: D1Database, client: string, day: number) {
  return db
    .prepare(
      `INSERT INTO inbox_claim_counters (client, window_start, count) VALUES (?1, ?2, 1)
       ON CONFLICT (client, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
    )
    .bind(client, day);
}

/**
 * Counts one inbox claim, refusing it past either limit. Called after the address itself was
 * admitted, so refused names (taken, reserved) do not use up the client's claims.
 */
export async function admitInboxClaim(
  db: D1Database,
  claim: { accountId: string | null; client: string | undefined; now: number },
): Promise<{ retryAfter: number } | null> {
  if (claim.accountId && (await serviceInboxes(db, claim.accountId)) >= INBOX_LIMITS.perAccount)
    throw new ApiError(
      403,
      'inbox_limit',
      `An account may hold at most ${INBOX_LIMITS.perAccount} inboxes on this service.`,
    );
  if (!claim.client) return null;
  const day = Math.floor(claim.now / DAY) * DAY;
  const [bumped] = await db.batch<{ count: number }>([
    bumpStatement(db, claim.client, day),
    db.prepare('DELETE FROM inbox_claim_counters WHERE window_start < ?1').bind(day),
  ]);
  if ((bumped?.results[0]?.count ?? 0) > INBOX_LIMITS.perClientPerDay)
    return { retryAfter: Math.ceil((day + DAY - claim.now) / 1000) };
  return null;
}
