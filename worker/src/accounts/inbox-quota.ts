// Inboxes on the service domain need no mail round trip, so they are what a squatter would
// hoard. Two strict limits: a few inboxes per account, checked by the INSERT itself, and a few
// inbox claims per client (CF-Connecting-IP, IPv6 by /64), a token bucket drawn in the same D1
// batch as the insert. Either limit fails the whole batch, so a refused or failed registration
// uses up nothing, and concurrent adds cannot pass the cap. Without CF-Connecting-IP, or with a
// loopback address in it (`wrangler dev` sets 127.0.0.1), there is no Cloudflare edge in front
// and no client to key on, so only the per-account cap applies.

import { ApiError } from '../http/errors.ts';
import { DAY_MS, EMPTY_BUCKET_ERROR, msUntilToken, takeTokenStatement } from '../http/rate-limit.ts';

export const INBOX_LIMITS = {
  perAccount: 3,
  /** Claims per client: 5 at once, 5 a day. */
  perClient: { capacity: 5, periodMs: DAY_MS },
} as const;

/** D1's error when the insert found the account at its cap (account_id set to NULL). */
const ACCOUNT_CAP_ERROR = /NOT NULL constraint failed: addresses\.account_id/;

const claimBucket = (client: string) => `inbox-claim:${client}`;

export async function serviceInboxCount(db: D1Database, accountId: string): Promise<number> {
  const r = await db
    .prepare(`SELECT count(*) AS n FROM addresses WHERE account_id = ?1 AND kind = 'service'`)
    .bind(accountId)
    .first<{ n: number }>();
  return r?.n ?? 0;
}

export function inboxLimitReached(): ApiError {
  return new ApiError(
    403,
    'inbox_limit',
    `An account may hold at most ${INBOX_LIMITS.perAccount} inboxes on this service.`,
  );
}

/** Adds a service inbox to an existing account in one statement that refuses past the cap. */
export function addInboxStatement(
  db: D1Database,
  a: { accountId: string; address: string; now: number },
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO addresses (address, account_id, kind, verified_at, created_at) VALUES (?1,
         CASE WHEN (SELECT count(*) FROM addresses WHERE account_id = ?2 AND kind = 'service') < ?4 THEN ?2 ELSE NULL END,
         'service', ?3, ?3)`,
    )
    .bind(a.address, a.accountId, a.now, INBOX_LIMITS.perAccount);
}

/** The statement that counts one claim for the client, failing the batch past its limit. */
export function claimStatements(
  db: D1Database,
  client: string | undefined,
  now: number,
): D1PreparedStatement[] {
  return client
    ? [takeTokenStatement(db, claimBucket(client), INBOX_LIMITS.perClient, now, { onEmpty: 'abort' })]
    : [];
}

/** Turns a batch failure caused by either limit into its answer (Retry-After through the callback). */
export async function inboxLimitError(
  db: D1Database,
  err: unknown,
  client: string | undefined,
  now: number,
  setRetryAfter: (seconds: number) => void,
): Promise<ApiError | null> {
  const text = String(err);
  if (ACCOUNT_CAP_ERROR.test(text)) return inboxLimitReached();
  if (client && EMPTY_BUCKET_ERROR.test(text)) {
    setRetryAfter(
      Math.ceil((await msUntilToken(db, claimBucket(client), INBOX_LIMITS.perClient, now)) / 1000),
    );
    return new ApiError(429, 'too_many_inboxes', 'Too many inboxes were claimed from this network today.');
  }
  return null;
}
