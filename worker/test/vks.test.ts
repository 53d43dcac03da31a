// VKS v1 (keys.openpgp.org API): by-email, by-fingerprint, by-keyid; armored, uppercase hex.

import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { bodyText, call, registerAccount, userIdEmails } from './directory-support/accounts.ts';

describe('VKS v1', () => {
  it('serves the armored key by email, fingerprint and key ID', async () => {
    const a = await registerAccount();
    const keyId = a.fingerprint.slice(-16);
    for (const path of [
      `by-email/${encodeURIComponent(a.address)}`,
      `by-fingerprint/${a.fingerprint}`,
      `by-keyid/${keyId}`,
    ]) {
      const res = await call(`/vks/v1/${path}`, { headers: { Origin: 'https://elsewhere.example' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('application/pgp-keys');
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
      const text = await bodyText(res);
      expect(text).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
      expect(await userIdEmails(text)).toEqual([a.address]);
    }
  });

  it('finds the whole key by a subkey fingerprint or key ID, never stale after a change', async () => {
    const a = await registerAccount();
    const sub = a.publicKey.subkeys[0]!;
    const subFpr = sub.getFingerprint().toUpperCase();
    const paths = [
      `/vks/v1/by-fingerprint/${subFpr}`,
      `/vks/v1/by-keyid/${sub.getKeyID().toHex().toUpperCase()}`,
      `/pks/lookup?op=get&options=mr&search=0x${subFpr}`,
    ];
    for (const path of paths) {
      const key = await openpgp.readKey({ armoredKey: await bodyText(await call(path)) });
      expect(key.getFingerprint().toUpperCase(), path).toBe(a.fingerprint);
    }
    const index = await bodyText(await call(`/pks/lookup?op=index&options=mr&search=0x${subFpr}`));
    expect(index).toMatch(new RegExp(`^pub:${a.fingerprint}:`, 'm'));
    const revoked = await call('/api/v1/directory/revocation', {
      method: 'POST',
      token: a.token,
      json: { revocation: a.revocationCertificate },
    });
    expect(revoked.status).toBe(200);
    for (const path of paths) {
      const key = await openpgp.readKey({ armoredKey: await bodyText(await call(path)) });
      expect(await key.isRevoked(), path).toBe(true);
    }
  });

  it('answers 404 JSON when absent and 400 for lowercase or malformed hex', async () => {
    const a = await registerAccount();
    const cases: [string, number, string][] = [
      ['by-email/absent@noise.localhost', 404, 'not_found'],
      [`by-fingerprint/${'A'.repeat(40)}`, 404, 'not_found'],
      [`by-keyid/${'B'.repeat(16)}`, 404, 'not_found'],
      [`by-fingerprint/${a.fingerprint.toLowerCase()}`, 400, 'invalid_fingerprint'],
      [`by-keyid/${a.fingerprint.slice(-16).toLowerCase()}`, 400, 'invalid_key_id'],
      ['by-fingerprint/1234', 400, 'invalid_fingerprint'],
      ['by-email/nope', 400, 'invalid_address'],
    ];
    for (const [path, status, code] of cases) {
      const res = await call(`/vks/v1/${path}`);
      expect(res.status, path).toBe(status);
      expect(res.headers.get('Content-Type')).toMatch(/application\/json/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });
});
