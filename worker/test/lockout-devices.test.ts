// The login lockout cannot lock the owner out (OWASP device cookies, worker/src/auth/device-tokens.ts):
// a client that logged in before presents its device token and is counted on that token alone,
// while unknown clients stay subject to the per-address lock. The passphrase change has the
// same lockout as login.

import { describe, expect, it } from 'vitest';
import { SessionTokens } from '../../shared/api/accounts.ts';
import { LOCKOUT } from '../src/auth/lockout.ts';
import { api, expectError, newKdf, randomB64u, registerAccount, vaultOf } from './support/accounts.ts';

function login(address: string, authKey: string, ip: string, deviceToken?: string) {
  return api('/api/v1/auth/login', {
    method: 'POST',
    json: { address, authKey, deviceName: 'laptop', ...(deviceToken ? { deviceToken } : {}) },
    headers: { 'CF-Connecting-IP': ip },
  });
}

describe('device tokens', () => {
  it('registration and login hand out one; guesses from elsewhere do not lock out its holder', async () => {
    const a = await registerAccount();
    expect(a.session.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // An attacker drives the address into its lock from many networks.
    for (let i = 0; i < LOCKOUT.address.threshold + 3; i++)
      expect((await login(a.address, randomB64u(32), `203.0.113.${i + 1}`)).status).toBeGreaterThanOrEqual(
        401,
      );
    // An unknown client (no token) is locked out, even with the right key…
    await expectError(await login(a.address, a.authKey, '198.51.100.5'), 429, 'login_locked');
    // …the owner's device is not, and gets a fresh token (the old one is rotated out).
    const owner = await login(a.address, a.authKey, '198.51.100.5', a.session.deviceToken);
    expect(owner.status).toBe(200);
    const next = SessionTokens.parse(await owner.json()).deviceToken!;
    expect(next).not.toBe(a.session.deviceToken);
    expect((await login(a.address, a.authKey, '198.51.100.5', next)).status).toBe(200);
    await expectError(
      await login(a.address, a.authKey, '198.51.100.5', a.session.deviceToken),
      429,
      'login_locked',
    );
  });

  it('a device token counts only for its own account', async () => {
    const a = await registerAccount();
    const b = await registerAccount();
    for (let i = 0; i < LOCKOUT.address.threshold; i++)
      await expectError(await login(a.address, randomB64u(32), '203.0.113.40'), 401);
    await expectError(
      await login(a.address, a.authKey, '203.0.113.41', b.session.deviceToken),
      429,
      'login_locked',
    );
    await expectError(await login(a.address, a.authKey, '203.0.113.41', randomB64u(32)), 429, 'login_locked');
  });

  it('a device has its own lock: guesses with a stolen token lock that token, not the address', async () => {
    const a = await registerAccount();
    const stolen = a.session.deviceToken!;
    for (let i = 0; i < LOCKOUT.device.threshold; i++)
      await expectError(await login(a.address, randomB64u(32), '203.0.113.50', stolen), 401);
    await expectError(await login(a.address, a.authKey, '203.0.113.50', stolen), 429, 'login_locked');
    // The address itself was never counted: a client without the token logs in.
    expect((await login(a.address, a.authKey, '198.51.100.50')).status).toBe(200);
  });
});

describe('passphrase change lockout', () => {
  it('locks wrong current passphrases like logins, per account, also for the right one while locked', async () => {
    const a = await registerAccount();
    const token = a.session.accessToken;
    const change = (currentAuthKey: string) =>
      api('/api/v1/account/passphrase', {
        method: 'POST',
        token,
        json: {
          currentAuthKey,
          newAuthKey: randomB64u(32),
          kdf: newKdf(),
          vault: vaultOf({ v: 2 }),
          vaultVersion: 1,
        },
        headers: { 'CF-Connecting-IP': '203.0.113.60' },
      });
    for (let i = 0; i < LOCKOUT.address.threshold; i++)
      await expectError(await change(randomB64u(32)), 403, 'invalid_credentials');
    const locked = await change(a.authKey);
    await expectError(locked, 429, 'login_locked');
    expect(Number(locked.headers.get('Retry-After'))).toBeGreaterThan(0);
  });
});
