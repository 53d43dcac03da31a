import { describe, expect, it } from 'vitest';
import { isLockNotice, LOCK_NOTICE, type LockNotice } from '../messages/lock-notice.ts';
import { lockStateWatcher } from './lock-broadcast.ts';

describe('lock state notices', () => {
  it('announces each change of state once, in order, and nothing when it did not change', async () => {
    let unlocked = false;
    const sent: LockNotice[] = [];
    const w = lockStateWatcher(
      async () => unlocked,
      (n) => sent.push(n),
    );
    await w.check(); // first look: the state at start, not a change
    await w.check();
    expect(sent).toEqual([]);
    unlocked = true;
    await Promise.all([w.check(), w.check()]);
    expect(sent).toEqual([{ [LOCK_NOTICE]: 'unlocked' }]);
    unlocked = false;
    await w.check();
    expect(sent).toEqual([{ [LOCK_NOTICE]: 'unlocked' }, { [LOCK_NOTICE]: 'locked' }]);
  });

  it('keeps the last known state when the state cannot be read', async () => {
    let fail = false;
    const sent: LockNotice[] = [];
    const w = lockStateWatcher(
      async () => {
        if (fail) throw new Error('session storage gone');
        return true;
      },
      (n) => sent.push(n),
    );
    await w.check();
    fail = true;
    await w.check();
    fail = false;
    await w.check();
    expect(sent).toEqual([]);
  });

  it('recognises only its own notice shape', () => {
    expect(isLockNotice({ [LOCK_NOTICE]: 'unlocked' })).toBe(true);
    expect(isLockNotice({ [LOCK_NOTICE]: 'open' })).toBe(false);
    expect(isLockNotice({ cmd: 'unlock', args: {} })).toBe(false);
    expect(isLockNotice(null)).toBe(false);
  });
});
