// VKS v1 (keys.openpgp.org API): by-email, by-fingerprint, by-keyid; armored, uppercase hex.

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
