// A day of use through the one API client (shared/api/client.ts), on a fake clock that the Worker
// shares (the test and the Worker run in one isolate): the access token lapses every 15 minutes,
// the "service worker" restarts every hour with only its persisted session store, calls overlap
// at expiry, and once a refresh answer is lost so the server sees a rotated token come back. At the
// end the account has exactly one live session: refreshes never log in again, and the one reuse
// costs one logged re-login.

import { env, SELF } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionTokens } from '../../shared/api/accounts.ts';
import { apiClient, type SessionEvent, type SessionStore } from '../../shared/api/client.ts';
import { LOCKOUT } from '../src/auth/lockout.ts';
import { BASE, freshInbox, newKdf, publicKeyFor, randomB64u, vaultOf } from './support/accounts.ts';

const workerFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  SELF.fetch(input, init)) as typeof fetch;

const MINUTE = 60_000;
const START = Date.UTC(2026, 2, 2, 8, 0, 0);

/** A store that survives "restarts", like storage.session + IndexedDB in the extension. */
function persistedStore(): SessionStore & { tokens: SessionTokens | undefined } {
  return {
    tokens: undefined,
    get() {
      return this.tokens;
    },
    set(t) {
      this.tokens = t;
    },
  };
}

async function liveSessions(accountId: string): Promise<number> {
  const row = await env.DB.prepare(
    'SELECT count(*) AS n FROM sessions WHERE account_id = ?1 AND revoked_at IS NULL AND refresh_expires_at > ?2',
  )
    .bind(accountId, Date.now())
    .first<{ n: number }>();
  return row?.n ?? -1;
}

/** Registers through `api` (which keeps the session) as a device named `deviceName`. */
async function register(
  api: ReturnType<typeof apiClient>,
  address: string,
  authKey: string,
  deviceName: string,
) {
  return api.register({
    address,
    kdf: newKdf(),
    authKey,
    vault: vaultOf({ v: 1 }),
    keys: { openpgpKey: await publicKeyFor(address) },
    deviceName,
  });
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a day of simulated use', () => {
  it('leaves exactly one live session, with one logged re-login after a refresh token came back', async () => {
    const address = freshInbox('day');
    const authKey = randomB64u(32);
    const store = persistedStore();
    const events: SessionEvent[] = [];
    let logins = 0;
    const client = () =>
      apiClient({
        baseUrl: BASE,
        fetch: workerFetch,
        session: store,
        relogin: async () => {
          logins += 1;
          return { address, authKey, deviceName: 'Browser extension' };
        },
        onSessionEvent: (e) => void events.push(e),
      });

    let api = client();
    const registered = await register(api, address, authKey, 'Browser extension');
    // The Worker's clock is the fake one: the first access token expires 15 fake minutes from now.
    expect(registered.session.accessExpiresAt).toBe(START + 15 * MINUTE);

    let lostAnswerAt: number | null = null;
    for (let minute = 10; minute <= 24 * 60; minute += 10) {
      vi.setSystemTime(START + minute * MINUTE);
      if (minute % 60 === 0) api = client(); // the background was stopped and woke again
      if (minute === 12 * 60 + 30) {
        // A refresh whose answer never arrived (the worker was killed mid-request): the server
        // rotated the token, the store still holds the old one.
        const res = await workerFetch(`${BASE}/api/v1/auth/refresh`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ refreshToken: store.tokens?.refreshToken }),
        });
        expect(res.status).toBe(200);
        lostAnswerAt = minute;
        // Make the next call renew at once, as a restart after the lost answer would.
        store.tokens = { ...store.tokens!, accessExpiresAt: 0 };
      }
      // What the background does while in use: one call every ten minutes, and on waking three
      // overlapping ones (they must share one refresh).
      if (minute % 60 === 0) {
        const [account, vault, stock] = await Promise.all([
          api.account.get(),
          api.vault.get(),
          api.directory.prekeyStock(),
        ]);
        expect(account.accountId).toBe(registered.accountId);
        expect(vault.version).toBe(1);
        expect(stock.oneTimePrekeys).toBe(0);
      } else {
        expect((await api.vault.get()).version).toBe(1);
      }
    }
    expect(lostAnswerAt).not.toBeNull();

    expect(await liveSessions(registered.accountId)).toBe(1);
    const list = await api.sessions.list();
    expect(list).toHaveLength(1);
    expect(list[0]?.current).toBe(true);
    // Never a login while a refresh token was valid: only the one the reuse forced.
    expect(logins).toBe(1);
    const relogins = events.filter((e) => e.kind === 'login');
    expect(relogins).toEqual([
      {
        kind: 'login',
        reason: 'refresh_token_reused',
        sessionId: list[0]?.id,
        previousSessionId: registered.session.sessionId,
      },
    ]);
    // One refresh each time the 15-minute token had lapsed (every second 10-minute step, about
    // 72 a day), not one per call (168 steps, 216 calls).
    const refreshes = events.filter((e) => e.kind === 'refreshed').length;
    expect(refreshes).toBeGreaterThanOrEqual(65);
    expect(refreshes).toBeLessThanOrEqual(75);
  }, 240_000);

  it("the device token survives refreshes, and the client's own re-login presents it past a lock others caused", async () => {
    const address = freshInbox('device');
    const authKey = randomB64u(32);
    const store = persistedStore();
    const api = apiClient({
      baseUrl: BASE,
      fetch: workerFetch,
      session: store,
      relogin: async (previous) => ({
        address,
        authKey,
        deviceName: 'cli',
        ...(previous?.deviceToken ? { deviceToken: previous.deviceToken } : {}),
      }),
    });
    const registered = await register(api, address, authKey, 'cli');
    const deviceToken = registered.session.deviceToken;
    expect(deviceToken).toBeDefined();
    // Refreshes answer without a device token; the stored session keeps this device's.
    for (let step = 1; step <= 3; step++) {
      vi.setSystemTime(START + step * 16 * MINUTE);
      await api.account.get();
    }
    expect(store.tokens?.sessionId).toBe(registered.session.sessionId);
    expect(store.tokens?.deviceToken).toBe(deviceToken);
    // Someone else drives the address into its lock.
    for (let i = 0; i < LOCKOUT.address.threshold + 2; i++)
      await workerFetch(`${BASE}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': `203.0.113.${i + 1}` },
        body: JSON.stringify({ address, authKey: randomB64u(32), deviceName: 'x' }),
      });
    // The session ends (30 days later): the client logs in again by itself, and gets in.
    vi.setSystemTime(START + 31 * 24 * 60 * MINUTE);
    expect((await api.account.get()).accountId).toBe(registered.accountId);
    expect(store.tokens?.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('a refresh token that outlived its 30 days logs in once, and the old session is not live', async () => {
    const address = freshInbox('month');
    const authKey = randomB64u(32);
    const store = persistedStore();
    const events: SessionEvent[] = [];
    const api = apiClient({
      baseUrl: BASE,
      fetch: workerFetch,
      session: store,
      relogin: async () => ({ address, authKey, deviceName: 'cli' }),
      onSessionEvent: (e) => void events.push(e),
    });
    const registered = await register(api, address, authKey, 'cli');
    vi.setSystemTime(START + 31 * 24 * 60 * MINUTE);
    await api.account.get();
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'login',
        reason: 'session_ended',
        previousSessionId: registered.session.sessionId,
      }),
    ]);
    expect(await liveSessions(registered.accountId)).toBe(1);
  });
});
