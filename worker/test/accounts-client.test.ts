// The typed client (shared/api/client.ts) against the real Worker in workerd.

import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { apiClient, isApiClientError, memorySessionStore } from '../../shared/api/client.ts';
import { BASE, freshInbox, newKdf, publicKeyFor, randomB64u, vaultOf } from './support/accounts.ts';

const workerFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  SELF.fetch(input, init)) as typeof fetch;

async function registeredClient() {
  const client = apiClient({ baseUrl: BASE, fetch: workerFetch });
  const address = freshInbox('client');
  const authKey = randomB64u(32);
  const kdf = newKdf();
  const out = await client.register({
    address,
    kdf,
    authKey,
    vault: vaultOf({ items: [] }),
    keys: { openpgpKey: await publicKeyFor(address) },
    deviceName: 'cli',
  });
  return { client, address, authKey, kdf, out };
}

describe('api client', () => {
  it('registers, reads the account and the vault, and writes with compare-and-swap', async () => {
    const { client, address, kdf } = await registeredClient();
    expect((await client.account.get()).addresses[0]?.address).toBe(address);
    expect(await client.kdfParams(address)).toEqual(kdf);
    const v = await client.vault.get();
    expect((await client.vault.put(vaultOf({ items: ['a'] }), v.version)).version).toBe(v.version + 1);
    const conflict = await client.vault.put(vaultOf({ items: ['b'] }), v.version).catch((e: unknown) => e);
    expect(isApiClientError(conflict, 'vault_conflict')).toBe(true);
    expect(conflict).toMatchObject({ status: 412, etag: `"${v.version + 1}"` });
  });

  it('refreshes an expired access token once, even for concurrent calls', async () => {
    const { client } = await registeredClient();
    const before = await client.session();
    // The server says this access token has expired.
    await env.DB.prepare('UPDATE sessions SET access_expires_at = 0 WHERE id = ?1')
      .bind(before?.sessionId)
      .run();
    const results = await Promise.all([client.account.get(), client.vault.get(), client.sessions.list()]);
    expect(results).toHaveLength(3);
    const after = await client.session();
    expect(after?.sessionId).toBe(before?.sessionId);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    // Exactly one rotation: the session is still alive (a duplicate would have revoked it).
    const rotated = await env.DB.prepare('SELECT count(*) AS n FROM refresh_tokens WHERE session_id = ?1')
      .bind(before?.sessionId)
      .first<{ n: number }>();
    expect(rotated?.n).toBe(2);
  });

  it('logs in, lists and revokes sessions, logs out, and reports errors with their code', async () => {
    const { address, authKey } = await registeredClient();
    const store = memorySessionStore();
    const laptop = apiClient({ baseUrl: BASE, fetch: workerFetch, session: store });
    const wrong = await laptop
      .login({ address, authKey: randomB64u(32), deviceName: 'laptop' })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ name: 'ApiClientError', status: 401, code: 'invalid_credentials' });
    await laptop.login({ address, authKey, deviceName: 'laptop' });
    const sessions = await laptop.sessions.list();
    expect(sessions.map((s) => s.deviceName).sort()).toEqual(['cli', 'laptop']);
    const other = sessions.find((s) => !s.current);
    await laptop.sessions.revoke(other?.id ?? '');
    expect(await laptop.sessions.list()).toHaveLength(1);
    await laptop.logout();
    expect(await store.get()).toBeUndefined();
    await expect(laptop.account.get()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('exposes the directory client with the same session', async () => {
    const { client, address, out } = await registeredClient();
    expect(client.directory).toBeDefined();
    // Publishing again through the directory client uses the account's access token.
    const published = await client.directory.publishKeys({ openpgpKey: await publicKeyFor(address) });
    expect(published.fingerprint).toBe(out.fingerprint);
  });

  it('logs in with the device token registration gave, past a lock others drove up', async () => {
    const { address, authKey, out } = await registeredClient();
    for (let i = 0; i < 6; i++)
      await SELF.fetch(`${BASE}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': `203.0.113.${90 + i}` },
        body: JSON.stringify({ address, authKey: randomB64u(32), deviceName: 'attacker' }),
      });
    const fresh = apiClient({ baseUrl: BASE, fetch: workerFetch });
    const locked = await fresh.login({ address, authKey, deviceName: 'cli' }).catch((e: unknown) => e);
    expect(isApiClientError(locked, 'login_locked')).toBe(true);
    const tokens = await fresh.login({
      address,
      authKey,
      deviceName: 'cli',
      deviceToken: out.session.deviceToken,
    });
    expect(tokens.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
