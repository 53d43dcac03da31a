// One OpenPGP policy for client and server (shared/pgp/policy.ts): the directory refuses every
// key the extension and the CLI refuse to encrypt to (assertEncryptionKey), so it never serves a
// key our own clients then fail on, and it publishes v4 keys only (gpg 2.2 cannot read v6).

import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { isNoiseError } from '../../shared/errors.ts';
import { assertEncryptionKey } from '../../shared/pgp/keys.ts';
import {
  freshAddress,
  newOpenpgpKey,
  publish,
  registerRequest,
  registerWithKey,
} from './directory-support/accounts.ts';
import {
  GPG_DSA_KEY,
  GPG_DSA_KEY_ADDRESS,
  GPG_DSA_SUBKEY_ADDRESS,
  GPG_DSA_SUBKEY_KEY,
} from './directory-support/gpg-dsa-key.ts';

/** Status and error code of registering `address` with `openpgpKey`. */
async function register(address: string, openpgpKey: string) {
  const res = await registerRequest(address, openpgpKey);
  return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
}

async function clientRefuses(armored: string): Promise<boolean> {
  try {
    await assertEncryptionKey(armored);
    return false;
  } catch (e) {
    return isNoiseError(e, 'key_unusable');
  }
}

/** Keys gpg or openpgp.js make without complaint that our policy refuses. */
async function refusedKeys(): Promise<{ name: string; address: string; armored: string }[]> {
  const any = { rejectCurves: new Set<openpgp.enums.curve>(), minRSABits: 1024 };
  const k1 = freshAddress('secp');
  const secp = await openpgp.generateKey({
    type: 'ecc',
    curve: 'secp256k1',
    userIDs: [{ email: k1 }],
    format: 'armored',
    config: any,
  });
  // Ed25519 + Cv25519 as our clients make them, plus a secp256k1 signing subkey.
  const k1sub = freshAddress('secpsub');
  const secpSubkey = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: k1sub }],
    subkeys: [{}, { sign: true, curve: 'secp256k1' }],
    format: 'armored',
    config: any,
  });
  const rsa = freshAddress('rsa1024');
  const small = await openpgp.generateKey({
    type: 'rsa',
    rsaBits: 1024,
    userIDs: [{ email: rsa }],
    format: 'armored',
    config: any,
  });
  return [
    { name: 'DSA primary key (gpg)', address: GPG_DSA_KEY_ADDRESS, armored: GPG_DSA_KEY },
    { name: 'DSA signing subkey (gpg)', address: GPG_DSA_SUBKEY_ADDRESS, armored: GPG_DSA_SUBKEY_KEY },
    { name: 'secp256k1 key', address: k1, armored: secp.publicKey },
    { name: 'secp256k1 signing subkey', address: k1sub, armored: secpSubkey.publicKey },
    { name: 'RSA 1024', address: rsa, armored: small.publicKey },
  ];
}

describe('key policy', () => {
  it('refuses every key the client refuses: DSA or secp256k1 in any part, short RSA', async () => {
    for (const k of await refusedKeys()) {
      expect(await clientRefuses(k.armored), k.name).toBe(true);
      expect(await register(k.address, k.armored), k.name).toEqual({ status: 400, code: 'weak_key' });
      // Nor can an account holding the address publish it later.
      const good = await newOpenpgpKey([{ email: k.address }]);
      const registered = await registerWithKey(k.address, good.publicKey.armor());
      const res = await publish(registered.session.accessToken, k.armored);
      expect(res.status, k.name).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, k.name).toBe('weak_key');
    }
  });

  it('refuses v6 (RFC 9580) keys: gpg 2.2 cannot read them from VKS, HKP or WKD', async () => {
    const address = freshAddress('v6');
    const v6 = await openpgp.generateKey({
      type: 'curve25519',
      userIDs: [{ email: address }],
      format: 'armored',
      config: { v6Keys: true },
    });
    expect(await register(address, v6.publicKey)).toEqual({ status: 400, code: 'unsupported_key_version' });
  });

  it('publishes what the client accepts, down to the RSA minimum of 2048 bits', async () => {
    const address = freshAddress('rsa2048');
    const rsa = await openpgp.generateKey({
      type: 'rsa',
      rsaBits: 2048,
      userIDs: [{ email: address }],
      format: 'armored',
    });
    expect(await clientRefuses(rsa.publicKey)).toBe(false);
    expect((await registerWithKey(address, rsa.publicKey)).fingerprint).toMatch(/^[0-9A-F]{40}$/);
  });
});
