import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { KdfResponse, SessionTokens } from '../../shared/api/accounts.ts';
import { api, expectError, freshInbox, login, randomB64u, registerAccount } from './support/accounts.ts';

async function kdf(address: string) {
  const res = await api('/api/v1/auth/kdf', { method: 'POST', json: { address } });
  const text = await res.text();
  return {
    status: res.status,
    headers: [...res.headers.keys()].sort(),
    text,
    body: KdfResponse.parse(JSON.parse(text)),
  };
}

describe('KDF parameters before login', () => {
  it('returns the registered parameters for a known address', async () => {
    const a = await registerAccount();
    expect((await kdf(a.address)).body.kdf).toEqual(a.kdf);
    expect((await kdf(a.address.toUpperCase())).body.kdf).toEqual(a.kdf);
  });

  it('gives unknown addresses stable fake parameters indistinguishable from real ones', async () => {
    const known = await registerAccount();
    const unknown = freshInbox('nobody');
    const real = await kdf(known.address);
    const fake = await kdf(unknown);
    // Same status, same headers, same fields and value shapes, same body length.
    expect(fake.status).toBe(real.status);
    expect(fake.headers).toEqual(real.headers);
    expect(Object.keys(fake.body.kdf).sort()).toEqual(Object.keys(real.body.kdf).sort());
    expect({ ...fake.body.kdf, salt: '' }).toEqual({ ...real.body.kdf, salt: '' });
    expect(fake.body.kdf.salt).toHaveLength(real.body.kdf.salt.length);
    expect(fake.text.length).toBe(real.text.length);
    // Stable across calls and case, distinct per address.
    expect((await kdf(unknown)).body).toEqual(fake.body);
    expect((await kdf(unknown.toUpperCase())).body).toEqual(fake.body);
    expect((await kdf(freshInbox('other'))).body.kdf.salt).not.toBe(fake.body.kdf.salt);
  });

  it('answers an external unknown address the same way', async () => {
    const a = await kdf('stranger@example.org');
    expect(a.status).toBe(200);
    expect((await kdf('stranger@example.org')).body).toEqual(a.body);
  });
});

describe('login', () => {
  it('logs in with the auth key and refuses a wrong one or an unknown address alike', async () => {
    const a = await registerAccount();
    const ok = await login(a.address, a.authKey, '198.51.100.1');
    expect(ok.status).toBe(200);
    const tokens = SessionTokens.parse(await ok.json());
    expect(tokens.accountId).toBe(a.accountId);
    expect(tokens.accessExpiresAt - Date.now()).toBeLessThanOrEqual(15 * 60 * 1000);
    await expectError(await login(a.address, randomB64u(32), '198.51.100.1'), 401, 'invalid_credentials');
    await expectError(
      await login(freshInbox('ghost'), randomB64u(32), '198.51.100.1'),
      401,
      'invalid_credentials',
    );
    // Only token hashes are stored.
    const row = await env.DB.prepare('SELECT * FROM sessions WHERE id = ?1').bind(tokens.sessionId).first();
    expect(JSON.stringify(row)).not.toContain(tokens.accessToken);
    const refresh = await env.DB.prepare('SELECT * FROM refresh_tokens WHERE session_id = ?1')
      .bind(tokens.sessionId)
      .all();
    expect(JSON.stringify(refresh.results)).not.toContain(tokens.refreshToken);
  });

  it('locks an address after 5 failures, for a time that doubles with each further failure', async () => {
    const a = await registerAccount();
    const ip = '203.0.113.7';
    for (let i = 0; i < 5; i++) await expectError(await login(a.address, randomB64u(32), ip), 401);
    // Locked: even the right key is refused, with Retry-After.
    const locked = await login(a.address, a.authKey, ip);
    await expectError(locked, 429, 'login_locked');
    const first = Number(locked.headers.get('Retry-After'));
    expect(first).toBeGreaterThan(25);
    expect(first).toBeLessThanOrEqual(30);

    // Let the lock run out (time travel through the row), fail once more: the lock doubles.
    await env.DB.prepare(`UPDATE login_failures SET locked_until = 0 WHERE scope = 'address' AND key = ?1`)
      .bind(a.address)
      .run();
    await expectError(await login(a.address, randomB64u(32), ip), 401);
    const second = Number((await login(a.address, a.authKey, ip)).headers.get('Retry-After'));
    expect(second).toBeGreaterThan(55);
    expect(second).toBeLessThanOrEqual(60);
    await env.DB.prepare(`UPDATE login_failures SET locked_until = 0 WHERE scope = 'address' AND key = ?1`)
      .bind(a.address)
      .run();
    await expectError(await login(a.address, randomB64u(32), ip), 401);
    const third = Number((await login(a.address, a.authKey, ip)).headers.get('Retry-After'));
    expect(third).toBeGreaterThan(115);
    expect(third).toBeLessThanOrEqual(120);

    // Once the lock is over, the right key works and resets the count.
    await env.DB.prepare(`UPDATE login_failures SET locked_until = 0 WHERE scope = 'address' AND key = ?1`)
      .bind(a.address)
      .run();
    expect((await login(a.address, a.authKey, ip)).status).toBe(200);
    await expectError(await login(a.address, randomB64u(32), ip), 401);
  });

  it('forgets failures after a quiet day', async () => {
    const a = await registerAccount();
    const ip = '203.0.113.11';
    for (let i = 0; i < 5; i++) await expectError(await login(a.address, randomB64u(32), ip), 401);
    await expectError(await login(a.address, a.authKey, ip), 429);
    const dayAgo = Date.now() - 25 * 60 * 60 * 1000;
    await env.DB.prepare(
      `UPDATE login_failures SET locked_until = 0, updated_at = ?2 WHERE scope = 'address' AND key = ?1`,
    )
      .bind(a.address, dayAgo)
      .run();
    // One fresh failure counts as the first, not the sixth: no lock follows.
    await expectError(await login(a.address, randomB64u(32), ip), 401);
    expect((await login(a.address, a.authKey, ip)).status).toBe(200);
  });

  it('counts concurrent guesses strictly', async () => {
    const a = await registerAccount();
    const results = await Promise.all(
      Array.from({ length: 12 }, () => login(a.address, randomB64u(32), '203.0.113.8')),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });

  it('locks a client that fails on many addresses, without locking other clients', async () => {
    const ip = '203.0.113.9';
    for (let i = 0; i < 20; i++) await expectError(await login(freshInbox('spray'), randomB64u(32), ip), 401);
    const a = await registerAccount();
    await expectError(await login(a.address, a.authKey, ip), 429, 'login_locked');
    expect((await login(a.address, a.authKey, '203.0.113.10')).status).toBe(200);
  });

  it('validates the request strictly', async () => {
    await expectError(
      await api('/api/v1/auth/login', { method: 'POST', json: { address: 'x@y.z' } }),
      400,
      'invalid_request',
    );
    await expectError(
      await api('/api/v1/auth/login', {
        method: 'POST',
        body: '{"address":',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'malformed_json',
    );
    await expectError(
      await api('/api/v1/auth/kdf', { method: 'POST', json: { address: 'a@b.example', extra: 1 } }),
      400,
      'invalid_request',
    );
  });
});
