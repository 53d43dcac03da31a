import { describe, expect, it } from 'vitest';
import {
  FIRST_LOCKOUT_MS,
  MAX_LOCKOUT_MS,
  NO_GUARD,
  recordFailure,
  recordSuccess,
  remainingLockout,
} from './lockout.ts';

describe('unlock lockout', () => {
  it('locks for 5 minutes after the 5th failure, not before', () => {
    let g = NO_GUARD;
    for (let i = 0; i < 4; i++) {
      g = recordFailure(g, 1000);
      expect(remainingLockout(g, 1000)).toBe(0);
    }
    g = recordFailure(g, 1000);
    expect(remainingLockout(g, 1000)).toBe(FIRST_LOCKOUT_MS);
    expect(remainingLockout(g, 1000 + FIRST_LOCKOUT_MS)).toBe(0);
  });

  it('grows with each lockout in a row and caps at a day', () => {
    let g = NO_GUARD;
    const durations: number[] = [];
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 5; i++) g = recordFailure(g, 0);
      durations.push(g.lockedUntil);
    }
    expect(durations[1]).toBe(2 * FIRST_LOCKOUT_MS);
    expect(durations[2]).toBe(4 * FIRST_LOCKOUT_MS);
    for (let i = 1; i < durations.length; i++)
      expect(durations[i]).toBeGreaterThanOrEqual(durations[i - 1] ?? 0);
    expect(durations.at(-1)).toBe(MAX_LOCKOUT_MS);
  });

  it('a success resets the counters', () => {
    let g = NO_GUARD;
    for (let i = 0; i < 5; i++) g = recordFailure(g, 0);
    g = recordSuccess();
    g = recordFailure(g, 0);
    expect(g).toEqual({ failures: 1, lockouts: 0, lockedUntil: 0 });
  });
});
