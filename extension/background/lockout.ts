// Wrong-passphrase lockout: after 5 failures in a row the vault cannot be unlocked for 5
// minutes; each further lockout in a row doubles that, up to a day. A success resets both
// counters. Pure functions over the GuardRecord kept on disk, so a restart does not reset it.

import type { GuardRecord } from '../store/schema.ts';

export const FAILURES_BEFORE_LOCKOUT = 5;
export const FIRST_LOCKOUT_MS = 5 * 60_000;
export const MAX_LOCKOUT_MS = 24 * 60 * 60_000;

export const NO_GUARD: GuardRecord = { failures: 0, lockouts: 0, lockedUntil: 0 };

export function lockoutDuration(lockouts: number): number {
  return Math.min(FIRST_LOCKOUT_MS * 2 ** Math.max(0, lockouts - 1), MAX_LOCKOUT_MS);
}

/** Milliseconds until unlocking may be tried again (0 = now). */
export function remainingLockout(guard: GuardRecord, now: number): number {
  return Math.max(0, guard.lockedUntil - now);
}

export function recordFailure(guard: GuardRecord, now: number): GuardRecord {
  const failures = guard.failures + 1;
  if (failures < FAILURES_BEFORE_LOCKOUT) return { ...guard, failures };
  const lockouts = guard.lockouts + 1;
  return { failures: 0, lockouts, lockedUntil: now + lockoutDuration(lockouts) };
}

export function recordSuccess(): GuardRecord {
  return { ...NO_GUARD };
}
