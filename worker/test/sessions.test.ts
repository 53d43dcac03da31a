import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SessionListResponse, SessionTokens } from '../../shared/api/accounts.ts';
import { api, expectError, loginTokens, registerAccount } from './support/accounts.ts';

async function refresh(refreshToken: string) {
  return api('/api/v1/auth/refresh', { method: 'POST', json: { refreshToken } });
}

describe('sessions', () => {
  it('refuses missing, malformed, expired and revoked access tokens with the same 401', async () => {
    const a = await registerAccount();
    expect((await api('/api/v1/account', { token: a.session.accessToken })).status).toBe(200);
    const missing = await api('/api/v1/account');
    await expectError(missing, 401, 'unauthorized');
    expect(missing.headers.get('WWW-Authenticate')).toBe('Bearer');
    await expectError(
      await api('/api/v1/account', { headers: { Authorization: 'Bearer nope' } }),
      401,
      'unauthorized',
    );
    await expectError(
      await api('/api/v1/account', { headers: { Authorization: `Basic ${a.session.accessToken}` } }),
      401,
    );

    // Expired: the session row says the access token ran out a moment ago.
    const b = await loginTokens(a.address, a.authKey, '192.0.2.50');
    await env.DB.prepare('UPDATE sessions SET access_expires_at = ?2 WHERE id = ?1')
      .bind(b.sessionId, Date.now() - 1)
      .run();
    await expectError(await api('/api/v1/vault', { token: b.accessToken }), 401, 'unauthorized');

    // Revoked through the API by another session of the account.
    const c = await loginTokens(a.address, a.authKey, '192.0.2.50');
    const del = await api(`/api/v1/sessions/${c.sessionId}`, {
      method: 'DELETE',
      token: a.session.accessToken,
    });
    expect(del.status).toBe(200);
    await expectError(await api('/api/v1/vault', { token: c.accessToken }), 401, 'unauthorized');
    await expectError(await refresh(c.refreshToken), 401, 'invalid_refresh_token');
  });

  it('rotates refresh tokens and revokes the whole session when a rotated one comes back', async () => {
    const a = await registerAccount();
    const first = await refresh(a.session.refreshToken);
    expect(first.status).toBe(200);
    const t1 = SessionTokens.parse(await first.json());
    expect(t1.sessionId).toBe(a.session.sessionId);
    expect(t1.refreshToken).not.toBe(a.session.refreshToken);
    // The previous access token is replaced by the new one.
    await expectError(await api('/api/v1/account', { token: a.session.accessToken }), 401);
    expect((await api('/api/v1/account', { token: t1.accessToken })).status).toBe(200);

    // A stolen, already-rotated token is replayed: the session dies, the thief gets nothing.
    await expectError(await refresh(a.session.refreshToken), 401, 'refresh_token_reused');
    await expectError(await api('/api/v1/account', { token: t1.accessToken }), 401);
    await expectError(await refresh(t1.refreshToken), 401, 'invalid_refresh_token');
  });

  it('lets only one of two concurrent refreshes with one token win', async () => {
    const a = await registerAccount();
    const [x, y] = await Promise.all([refresh(a.session.refreshToken), refresh(a.session.refreshToken)]);
    expect([x.status, y.status].sort()).toEqual([200, 401]);
  });

  it('lists sessions with device, user agent and times, and logs out', async () => {
    const a = await registerAccount();
    const phone = await api('/api/v1/auth/login', {
      method: 'POST',
      json: { address: a.address, authKey: a.authKey, deviceName: 'phone' },
      headers: { 'User-Agent': 'NoiseTest/1.0', 'CF-Connecting-IP': '192.0.2.60' },
    });
    const p = SessionTokens.parse(await phone.json());
    const list = SessionListResponse.parse(
      await (await api('/api/v1/sessions', { token: p.accessToken })).json(),
    );
    expect(list.sessions).toHaveLength(2);
    const mine = list.sessions.find((s) => s.id === p.sessionId);
    expect(mine).toMatchObject({ deviceName: 'phone', userAgent: 'NoiseTest/1.0', current: true });
    expect(mine?.createdAt).toBeLessThanOrEqual(Date.now());
    expect(list.sessions.find((s) => s.id === a.session.sessionId)?.current).toBe(false);

    expect((await api('/api/v1/auth/logout', { method: 'POST', token: p.accessToken })).status).toBe(200);
    await expectError(await api('/api/v1/sessions', { token: p.accessToken }), 401);
    const after = SessionListResponse.parse(
      await (await api('/api/v1/sessions', { token: a.session.accessToken })).json(),
    );
    expect(after.sessions.map((s) => s.id)).toEqual([a.session.sessionId]);
  });

  it("cannot revoke another account's session", async () => {
    const a = await registerAccount();
    const b = await registerAccount();
    await expectError(
      await api(`/api/v1/sessions/${b.session.sessionId}`, {
        method: 'DELETE',
        token: a.session.accessToken,
      }),
      404,
      'session_not_found',
    );
    expect((await api('/api/v1/account', { token: b.session.accessToken })).status).toBe(200);
  });
});
