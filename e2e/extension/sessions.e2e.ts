// The background's sessions against a real `wrangler dev` Worker (no browser): the one API client
// with the extension's session store (storage.session + a sealed copy in IndexedDB). A simulated
// day of use (service-worker restarts, lock and unlock, a browser restart, a refresh answer lost)
// leaves this device exactly one session in the options page's list, logs the one re-login the
// lost answer forces, and no other. Then: list, revoke another device, log out, each logged.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { anonymousClient } from '../../extension/background/server.ts';
import type { SessionTokens } from '../../shared/api/accounts.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { backgroundDevice, PASSPHRASE, registerWithVault } from './background-device.ts';

let worker: WorkerServer;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
});

/** A registered account and this device's background, unlocked with registration's session. */
async function device(address: string) {
  const account = await registerWithVault(worker.url, address);
  const d = await backgroundDevice(account.record);
  await d.unlock(account.session);
  return Object.assign(d, { authKey: account.authKey, first: account.session });
}

const MINUTE = 60_000;

describe('sessions in the background, real Worker', () => {
  it('a simulated day keeps one session for this device, with one logged re-login after a lost refresh answer', async () => {
    const address = 'day-user@noise.localhost';
    const d = await device(address);
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (let minute = 10; minute <= 24 * 60; minute += 10) {
        vi.setSystemTime(start + minute * MINUTE);
        if (minute % 60 === 0) d.restart(); // the service worker stopped and woke again
        if (minute === 8 * 60) {
          // Locked by hand, unlocked again: the sealed copy brings the session back.
          await d.bg.handlers.lock({});
          await d.bg.handlers.unlock({ passphrase: PASSPHRASE });
        }
        if (minute === 16 * 60) {
          // The browser restarted: storage.session is gone, the sealed copy in IndexedDB is not.
          d.browserRestart();
          await d.bg.handlers.unlock({ passphrase: PASSPHRASE });
        }
        if (minute === 20 * 60) {
          // A refresh whose answer was lost: the server rotated the token, the store has the old.
          const held = (await d.bg.server.sessions.get()) as SessionTokens;
          const res = await fetch(`${worker.url}/api/v1/auth/refresh`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ refreshToken: held.refreshToken }),
          });
          expect(res.status).toBe(200);
          await d.bg.server.sessions.set({ ...held, accessExpiresAt: 0 });
        }
        // What the options page and upkeep ask the server for.
        if (minute % 30 === 0) expect(await d.bg.handlers['sessions.list']({})).toHaveLength(1);
        else await d.bg.handlers['identity.get']({});
      }
    } finally {
      vi.useRealTimers();
    }
    const sessions = await d.bg.handlers['sessions.list']({});
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ deviceName: 'Browser extension', current: true });
    const log = (await d.records.securityLog(1000)).map((e) => e.kind);
    expect(log.filter((k) => k === 'session_token_reused')).toHaveLength(1);
    expect(log.filter((k) => k === 'session_new')).toHaveLength(0);
    expect(sessions[0]?.id).not.toBe(d.first.sessionId);
  }, 300_000);

  it('lists, revokes another device, logs out, and logs each event', async () => {
    const address = 'sessions-user@noise.localhost';
    const d = await device(address);
    const { handlers } = d.bg;

    const first = await handlers['sessions.list']({});
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ deviceName: 'Browser extension', current: true });

    // A second device logs in with the same auth key.
    await anonymousClient(worker.url).login({ address, authKey: d.authKey, deviceName: 'Laptop' });
    const two = await handlers['sessions.list']({});
    expect(two).toHaveLength(2);
    const laptop = two.find((s) => s.deviceName === 'Laptop');
    expect(laptop?.current).toBe(false);

    await expect(handlers['sessions.revoke']({ id: 'no-such-session' })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await handlers['sessions.revoke']({ id: laptop?.id ?? '' })).toEqual({ revoked: laptop?.id });
    expect((await handlers['sessions.list']({})).map((s) => s.deviceName)).toEqual(['Browser extension']);

    expect(await handlers['sessions.logout']({})).toEqual({ loggedOut: true });
    expect(await d.bg.server.sessions.get()).toBeUndefined();
    expect(await d.records.sealedSession()).toBeUndefined();
    expect(await handlers['sessions.logout']({})).toEqual({ loggedOut: false });

    // The next server call logs in again: one new session, the logged-out one is gone.
    const after = await handlers['sessions.list']({});
    expect(after).toHaveLength(1);
    expect(after[0]?.current).toBe(true);
    expect(after[0]?.id).not.toBe(first[0]?.id);

    const log = (await d.records.securityLog()).map((e) => [e.kind, e.detail]);
    expect(log).toContainEqual(['session_revoked', 'Laptop']);
    expect(log).toContainEqual(['logout', address]);
    expect(log).toContainEqual(['session_new', `${address} (login: no session)`]);
  });
});
