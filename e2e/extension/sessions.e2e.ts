// The background's session commands against a real `wrangler dev` Worker (no browser): list
// the account's sessions, revoke another device's, log out, and the security log entries each
// leaves (new session on re-login, session revoked, logout).

import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountSecrets } from '../../extension/background/account.ts';
import { Custody } from '../../extension/background/custody.ts';
import { generateIdentitySecrets } from '../../extension/background/identity.ts';
import { server } from '../../extension/background/server.ts';
import { createHandlers } from '../../extension/background/service.ts';
import { openDatabase } from '../../extension/store/db.ts';
import { defaultSettings, Records } from '../../extension/store/records.ts';
import { KDF_DEFAULTS, RegisterResponse } from '../../shared/api/accounts.ts';
import { generateKey } from '../../shared/pgp/keys.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';

let worker: WorkerServer;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
});

const b64u = (n: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(n))).toString('base64url');

function memoryArea() {
  const m = new Map<string, unknown>();
  return {
    get: async <T>(k: string) => m.get(k) as T | undefined,
    set: async (k: string, v: unknown) => {
      m.set(k, structuredClone(v));
    },
    remove: async (k: string) => {
      m.delete(k);
    },
  };
}

/** An account registered on the Worker, unlocked in a background with its first session. */
async function unlockedBackground(address: string) {
  const authKey = b64u(32);
  const key = await generateKey({ userIds: [{ email: address }], passphrase: 'x' });
  const res = await fetch(`${worker.url}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      address,
      kdf: { ...KDF_DEFAULTS, salt: b64u(16) },
      authKey,
      vault: b64u(64),
      keys: { openpgpKey: key.publicKey },
      deviceName: 'Browser extension',
    }),
  });
  expect(res.status).toBe(201);
  const registered = RegisterResponse.parse(await res.json());
  const records = new Records(await openDatabase(`sessions-${address}`), defaultSettings(true));
  const identity = await generateIdentitySecrets(address, () => {});
  await records.putVault({
    id: 'self',
    address,
    serverUrl: worker.url,
    blob: '',
    version: 1,
    fingerprints: { pgp: key.fingerprint, envelope: '' },
    updatedAt: Date.now(),
  });
  const custody = new Custody<AccountSecrets>(
    memoryArea(),
    { set: async () => {}, clear: async () => true },
    async () => 60_000,
  );
  await custody.unlock({
    identity,
    addresses: [address],
    wrapKey: b64u(32),
    authKey,
    session: registered.session,
  });
  return { handlers: createHandlers(records, custody), records, custody, authKey };
}

describe('sessions in the background, real Worker', () => {
  it('lists, revokes another device, logs out, and logs each event', async () => {
    const address = 'sessions-user@noise.localhost';
    const { handlers, records, custody, authKey } = await unlockedBackground(address);

    const first = await handlers['sessions.list']({});
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ deviceName: 'Browser extension', current: true });

    // A second device logs in with the same auth key.
    await server(worker.url).login(address, authKey, 'Laptop');
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
    expect((await custody.current())?.session).toBeNull();
    expect(await handlers['sessions.logout']({})).toEqual({ loggedOut: false });

    // The next server call logs in again: one new session, the logged-out one is gone.
    const after = await handlers['sessions.list']({});
    expect(after).toHaveLength(1);
    expect(after[0]?.current).toBe(true);
    expect(after[0]?.id).not.toBe(first[0]?.id);

    const log = (await records.securityLog()).map((e) => [e.kind, e.detail]);
    expect(log).toContainEqual(['session_revoked', 'Laptop']);
    expect(log).toContainEqual(['logout', address]);
    expect(log).toContainEqual(['session_new', `${address} (login)`]);
  });
});
