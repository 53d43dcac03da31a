// The wrong-passphrase lockout (lockout.ts) applied: every check of a passphrase (unlock, and
// a reset by the old passphrase) runs under the guard record kept on disk, and is logged.

import type { Records } from '../store/records.ts';
import { ExtensionError } from './errors.ts';
import { FAILURES_BEFORE_LOCKOUT, recordFailure, recordSuccess, remainingLockout } from './lockout.ts';

/**
 * Runs a passphrase check under the unlock guard: refused while locked out; a wrong passphrase
 * counts toward the lockout (logged), a right one clears the count.
 */
export async function underGuard<T>(records: Records, check: () => Promise<T>): Promise<T> {
  const guard = await records.guard();
  const now = Date.now();
  if (remainingLockout(guard, now) > 0) {
    throw new ExtensionError('locked_out', 'Too many wrong passphrases.', { until: guard.lockedUntil });
  }
  let out: T;
  try {
    out = await check();
  } catch (e) {
    if (!(e instanceof ExtensionError && e.code === 'bad_passphrase')) throw e;
    const next = recordFailure(guard, Date.now());
    await records.setGuard(next);
    await records.log('unlock_failed', `attempt ${guard.failures + 1}`);
    if (next.lockedUntil > now) {
      await records.log('lockout', `until ${new Date(next.lockedUntil).toISOString()}`);
      throw new ExtensionError('locked_out', 'Too many wrong passphrases.', { until: next.lockedUntil });
    }
    throw new ExtensionError('bad_passphrase', 'Wrong passphrase.', {
      attemptsLeft: FAILURES_BEFORE_LOCKOUT - next.failures,
    });
  }
  await records.setGuard(recordSuccess());
  return out;
}
