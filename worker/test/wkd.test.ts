// WKD direct method (draft-koch-openpgp-webkey-service §3.1) for the service domain.

import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { toZBase32 } from '../../shared/encoding.ts';
import { wkdHash } from '../../shared/wkd/hash.ts';
import { call, registerAccount } from './directory-support/accounts.ts';

describe('WKD', () => {
  it('hashes the draft vector: test1 → stnkabub89rpcphiz4ppbxixkwyt1pic', () => {
    expect(wkdHash('test1')).toBe('stnkabub89rpcphiz4ppbxixkwyt1pic');
    expect(wkdHash('Test1')).toBe('stnkabub89rpcphiz4ppbxixkwyt1pic');
    // RFC 6189 §5.1.6 z-base-32: 0x00 → "y", 0xff → "9h"
    expect(toZBase32(new Uint8Array([0]))).toBe('yy');
    expect(toZBase32(new Uint8Array([0xff]))).toBe('9h');
  });

  it('serves the binary key with only the matching user ID', async () => {
    const a = await registerAccount({ extraUserIds: [{ email: 'elsewhere@example.org' }] });
    const local = a.address.split('@')[0]!;
    for (const path of [
      `/.well-known/openpgpkey/hu/${wkdHash(local)}?l=${local}`,
      `/.well-known/openpgpkey/noise.localhost/hu/${wkdHash(local)}?l=${local}`,
    ]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('Content-Type')).toBe('application/octet-stream');
      const key = await openpgp.readKey({ binaryKey: new Uint8Array(await res.arrayBuffer()) });
      expect(key.getFingerprint().toUpperCase()).toBe(a.fingerprint);
      expect(key.users.map((u) => u.userID?.email)).toEqual([a.address]);
      expect(await key.getEncryptionKey()).toBeTruthy();
    }
  });

  it('has a policy file, and answers 404/400 for unknown or malformed hashes', async () => {
    for (const path of ['/.well-known/openpgpkey/policy', '/.well-known/openpgpkey/noise.localhost/policy']) {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    }
    expect((await call(`/.well-known/openpgpkey/hu/${wkdHash('nobody')}`)).status).toBe(404);
    expect((await call('/.well-known/openpgpkey/hu/not-a-hash')).status).toBe(400);
    expect((await call(`/.well-known/openpgpkey/other.example/hu/${wkdHash('x')}`)).status).toBe(404);
  });
});
