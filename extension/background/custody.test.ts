import { describe, expect, it } from 'vitest';
import { type AlarmArea, AUTOLOCK_ALARM, Custody, type SessionArea, TOUCH_PERSIST_MS } from './custody.ts';

function fakeSession(): SessionArea & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: async <T>(k: string) => structuredClone(data.get(k)) as T | undefined,
    set: async (k, v) => void data.set(k, structuredClone(v)),
    remove: async (k) => void data.delete(k),
  };
}

function fakeAlarms(): AlarmArea & { at: Map<string, number> } {
  const at = new Map<string, number>();
  return { at, set: async (n, w) => void at.set(n, w), clear: async (n) => at.delete(n) };
}

describe('custody of unlocked secrets', () => {
  const timeout = async () => 30 * 60_000;

  it('survives a worker restart through session storage, then auto-locks after the idle time', async () => {
    let now = 1_000_000;
    const session = fakeSession();
    const alarms = fakeAlarms();
    const first = new Custody<{ key: string }>(session, alarms, timeout, () => now);
    await first.unlock({ key: 'secret' });
    expect(alarms.at.get(AUTOLOCK_ALARM)).toBe(now + 30 * 60_000);

    // A new worker instance (restart) finds the same secrets.
    now += 10 * 60_000;
    const second = new Custody<{ key: string }>(session, alarms, timeout, () => now);
    expect(await second.current()).toEqual({ key: 'secret' });
    await second.touch();
    expect(alarms.at.get(AUTOLOCK_ALARM)).toBe(now + 30 * 60_000);

    // Idle past the timeout: locked, session cleared, alarm gone.
    now += 30 * 60_000;
    const third = new Custody<{ key: string }>(session, alarms, timeout, () => now);
    expect(await third.current()).toBeNull();
    expect(session.data.size).toBe(0);
    expect(alarms.at.has(AUTOLOCK_ALARM)).toBe(false);
  });

  it('a restarted worker asked several things at once answers unlocked to every one of them', async () => {
    const session = fakeSession();
    await new Custody<{ key: string }>(session, fakeAlarms(), timeout).unlock({ key: 'secret' });
    // The restarted worker's first events (a read frame's port, its status, the mark) arrive
    // together; each must wait for the one restore from session storage, not see "locked".
    const restarted = new Custody<{ key: string }>(session, fakeAlarms(), timeout);
    const answers = await Promise.all([restarted.current(), restarted.current(), restarted.touch()]);
    expect(answers.slice(0, 2)).toEqual([{ key: 'secret' }, { key: 'secret' }]);
    // A lock while the restore is still reading wins: the restore does not bring the secrets back.
    const again = new Custody<{ key: string }>(session, fakeAlarms(), timeout);
    await restarted.unlock({ key: 'secret' });
    const reading = again.current();
    await again.lock();
    await reading;
    expect(await again.current()).toBeNull();
  });

  it('keeps frequent activity in memory, writes it at most every TOUCH_PERSIST_MS, and an early alarm sets itself again', async () => {
    let now = 5_000_000;
    const session = fakeSession();
    const alarms = fakeAlarms();
    let writes = 0;
    const counted: SessionArea = {
      ...session,
      set: (k, v) => {
        writes++;
        return session.set(k, v);
      },
    };
    const c = new Custody<string>(counted, alarms, timeout, () => now);
    await c.unlock('k');
    expect(writes).toBe(1);
    // Reads a second apart: no storage write, but the idle time starts again from each.
    for (let i = 0; i < 10; i++) {
      now += 1000;
      await c.touch();
    }
    expect(writes).toBe(1);
    const lastRead = now;
    // The alarm set at unlock fires 10 s before the idle time from the last read: not locked,
    // the alarm moves to the last read's time + timeout, and that time is now stored.
    now = 5_000_000 + 30 * 60_000;
    await c.expire();
    expect(await c.current()).toBe('k');
    expect(alarms.at.get(AUTOLOCK_ALARM)).toBe(lastRead + 30 * 60_000);
    expect((session.data.get('noise-unlocked') as { lastActivity: number }).lastActivity).toBe(lastRead);
    // Past it: locked, and whoever holds something opened with the secrets is told.
    let told = 0;
    c.onLock(() => told++);
    now = lastRead + 30 * 60_000;
    await c.expire();
    expect(await c.current()).toBeNull();
    expect(told).toBe(1);
    // Activity further apart than TOUCH_PERSIST_MS is written each time.
    await c.unlock('k');
    writes = 0;
    now += TOUCH_PERSIST_MS;
    await c.touch();
    expect(writes).toBe(1);
  });

  it('locks on demand and after a browser restart (empty session)', async () => {
    const session = fakeSession();
    const c = new Custody<string>(session, fakeAlarms(), timeout);
    await c.unlock('k');
    await c.lock();
    expect(await c.current()).toBeNull();
    await c.unlock('k');
    session.data.clear(); // the browser restarted: storage.session is gone
    expect(await new Custody<string>(session, fakeAlarms(), timeout).current()).toBeNull();
  });
});
