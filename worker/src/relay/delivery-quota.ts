// Per-account delivery limits (docs/api.md, relay): deliveries (one per recipient) per hour and
// per day, in strict D1 fixed-window counters. A send reserves all its deliveries in both windows
// at once (one batch); if either window goes over, the reservation is taken back and the send
// refused, so concurrent sends can be refused near the limit but never exceed it. Deliveries that
// fail are given back.

import type { Bindings } from '../env.ts';
import { relayLimits } from './config.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Period = 'hour' | 'day';
const SPAN: Record<Period, number> = { hour: HOUR, day: DAY };

const windowStart = (period: Period, now: number) => Math.floor(now / SPAN[period]) * SPAN[period];

function bump(db: D1Database, accountId: string, period: Period, now: number, n: number) {
  return db
    .prepare(
      `INSERT INTO relay_counters (account_id, period, window_start, count) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (account_id, period, window_start) DO UPDATE SET count = count + ?4 RETURNING count`,
    )
    .bind(accountId, period, windowStart(period, now), n);
}

export interface Reservation {
  accountId: string;
  at: number;
  count: number;
}

export async function reserveDeliveries(
  env: Pick<Bindings, 'DB' | 'RELAY_HOURLY_LIMIT' | 'RELAY_DAILY_LIMIT'>,
  accountId: string,
  count: number,
  now: number,
): Promise<Reservation | { refused: Period; retryAfter: number }> {
  const limits = relayLimits(env);
  const [hour, day] = await env.DB.batch<{ count: number }>([
    bump(env.DB, accountId, 'hour', now, count),
    bump(env.DB, accountId, 'day', now, count),
    env.DB.prepare('DELETE FROM relay_counters WHERE account_id = ?1 AND window_start < ?2').bind(
      accountId,
      windowStart('day', now) - DAY,
    ),
  ]);
  const overHour = (hour?.results[0]?.count ?? 0) > limits.hourly;
  const overDay = (day?.results[0]?.count ?? 0) > limits.daily;
  const reservation = { accountId, at: now, count };
  if (!overHour && !overDay) return reservation;
  await releaseDeliveries(env, reservation, count);
  const refused: Period = overDay ? 'day' : 'hour';
  const until = windowStart(refused, now) + SPAN[refused];
  return { refused, retryAfter: Math.max(1, Math.ceil((until - now) / 1000)) };
}

/** Gives back `n` deliveries of a reservation (failed or never attempted). */
export async function releaseDeliveries(
  env: Pick<Bindings, 'DB'>,
  reservation: Reservation,
  n: number,
): Promise<void> {
  if (n <= 0) return;
  await env.DB.batch(
    (['hour', 'day'] as const).map((period) =>
      env.DB.prepare(
        'UPDATE relay_counters SET count = max(0, count - ?4) WHERE account_id = ?1 AND period = ?2 AND window_start = ?3',
      ).bind(reservation.accountId, period, windowStart(period, reservation.at), n),
    ),
  );
}

export async function quotaUsage(
  env: Pick<Bindings, 'DB' | 'RELAY_HOURLY_LIMIT' | 'RELAY_DAILY_LIMIT'>,
  accountId: string,
  now: number,
) {
  const limits = relayLimits(env);
  const used = async (period: Period) =>
    (
      await env.DB.prepare(
        'SELECT count FROM relay_counters WHERE account_id = ?1 AND period = ?2 AND window_start = ?3',
      )
        .bind(accountId, period, windowStart(period, now))
        .first<{ count: number }>()
    )?.count ?? 0;
  return {
    hour: { limit: limits.hourly, used: await used('hour'), resetsAt: windowStart('hour', now) + HOUR },
    day: { limit: limits.daily, used: await used('day'), resetsAt: windowStart('day', now) + DAY },
  };
}
