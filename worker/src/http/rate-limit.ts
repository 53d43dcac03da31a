// Strict rate limits as token buckets in D1 (table rate_buckets, migration 0007). A bucket holds
// at most `capacity` tokens and refills continuously at capacity / period, so there is no window
// boundary at which twice the limit gets through (a fixed hourly window lets 2 × limit pass
// around the full hour). Taking a token is one upsert, serialized by D1, so concurrent requests
// cannot overdraw a bucket. Buckets idle longer than PRUNE_AFTER_MS are full again and deleted.

import { ApiError } from './errors.ts';

export interface BucketSpec {
  /** Burst: the most tokens a bucket holds. */
  capacity: number;
  /** Time to refill from empty to full. */
  periodMs: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Every bucket spec refills within a day, so an older bucket is full and can go. */
const PRUNE_AFTER_MS = 2 * DAY_MS;

interface TakeOptions {
  /** Recorded as taken_by when the token is taken, for later statements of the same batch. */
  takenBy?: string;
  /** Take only while this SQL condition (binds from ?6 on) holds. */
  when?: { sql: string; binds: unknown[] };
  /**
   * 'skip': no token, no row returned (the caller reads the RETURNING row).
   * 'abort': an empty bucket fails the statement (NOT NULL constraint on tokens), and with it
   * the whole D1 batch, so the limited write and its count stand or fall together.
   */
  onEmpty?: 'skip' | 'abort';
}

/** The error text D1 gives for an aborted take (onEmpty: 'abort'). */
export const EMPTY_BUCKET_ERROR = /NOT NULL constraint failed: rate_buckets\.tokens/;

/** One statement that takes a token from `key`; RETURNING tokens when taken. */
export function takeTokenStatement(
  db: D1Database,
  key: string,
  spec: BucketSpec,
  now: number,
  options: TakeOptions = {},
): D1PreparedStatement {
  const refill = 'min(?2, tokens + max(0, ?3 - updated_at) * (?2 * 1.0 / ?4))';
  const when = options.when?.sql ?? '1';
  const update =
    options.onEmpty === 'abort'
      ? `tokens = CASE WHEN ${refill} >= 1 AND (${when}) THEN ${refill} - 1 ELSE NULL END`
      : `tokens = ${refill} - 1`;
  const guard = options.onEmpty === 'abort' ? '' : `WHERE ${refill} >= 1 AND (${when})`;
  return db
    .prepare(
      `INSERT INTO rate_buckets (key, tokens, updated_at, taken_by)
       SELECT ?1, ?2 - 1, ?3, ?5 WHERE ${when}
       ON CONFLICT (key) DO UPDATE SET ${update}, updated_at = max(updated_at, ?3), taken_by = ?5 ${guard}
       RETURNING tokens`,
    )
    .bind(key, spec.capacity, now, spec.periodMs, options.takenBy ?? null, ...(options.when?.binds ?? []));
}

export function pruneBucketsStatement(db: D1Database, now: number): D1PreparedStatement {
  return db.prepare('DELETE FROM rate_buckets WHERE updated_at < ?1').bind(now - PRUNE_AFTER_MS);
}

/** Milliseconds until `key` holds one token again (at least 1 s, for Retry-After). */
export async function msUntilToken(
  db: D1Database,
  key: string,
  spec: BucketSpec,
  now: number,
): Promise<number> {
  const row = await db
    .prepare('SELECT tokens, updated_at FROM rate_buckets WHERE key = ?1')
    .bind(key)
    .first<{ tokens: number; updated_at: number }>();
  if (!row) return 1000;
  const rate = spec.capacity / spec.periodMs;
  const current = Math.min(spec.capacity, row.tokens + Math.max(0, now - row.updated_at) * rate);
  return Math.max(1000, Math.ceil((1 - current) / rate));
}

type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

/** Takes one token from `key` on its own (and prunes old buckets in the same batch). */
export async function takeToken(
  db: D1Database,
  key: string,
  spec: BucketSpec,
  now: number,
): Promise<TakeResult> {
  const [taken] = await db.batch([takeTokenStatement(db, key, spec, now), pruneBucketsStatement(db, now)]);
  if (taken?.results.length) return { ok: true };
  return { ok: false, retryAfterMs: await msUntilToken(db, key, spec, now) };
}

/** Takes a token or throws 429 with Retry-After (set on the context by the caller's handler). */
export async function requireToken(
  db: D1Database,
  key: string,
  spec: BucketSpec,
  now: number,
  refusal: { code: string; message: string; setRetryAfter: (seconds: number) => void },
): Promise<void> {
  const result = await takeToken(db, key, spec, now);
  if (result.ok) return;
  refusal.setRetryAfter(Math.ceil(result.retryAfterMs / 1000));
  throw new ApiError(429, refusal.code, refusal.message);
}
