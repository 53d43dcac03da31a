import { env } from 'cloudflare:test';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { PublishKeysResponse } from '../../shared/api/directory.ts';
import {
  call,
  freshAddress,
  newOpenpgpKey,
  registerAccount,
  userIdEmails,
} from './directory-support/accounts.ts';

describe('publishing', () => {
  it('publishes the key given at registration under the verified address', async () => {
    const a = await registerAccount();
    expect(a.fingerprint).toBe(a.publicKey.getFingerprint().toUpperCase());
    const res = await call(`/vks/v1/by-email/${a.address}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/pgp-keys');
    expect(await userIdEmails(await res.text())).toEqual([a.address]);
  });
});
