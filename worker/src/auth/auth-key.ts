// Server side of the client-derived auth key. The client runs Argon2id over the
// passphrase and sends a 32-byte auth key; the server keeps SHA-256(label ‖ salt ‖ key) with a
// per-account random salt. The key already carries Argon2's work factor and 256 bits of
// entropy, so a fast salted hash is enough; comparison is constant time.

import { KDF_DEFAULTS, type KdfParams } from '../../../shared/api/accounts.ts';
import {
  concatBytes,
  equalBytes,
  fromBase64Url,
  fromHex,
  toBase64Url,
  toHex,
  utf8,
} from '../../../shared/encoding.ts';

const LABEL = utf8('noise-email/auth-key/v1');

export interface StoredAuthKey {
  salt: string; // base64url
  hash: string; // hex
}

async function digest(salt: Uint8Array, authKey: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concatBytes(LABEL, salt, authKey)));
}

export async function hashAuthKey(authKeyB64u: string): Promise<StoredAuthKey> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { salt: toBase64Url(salt), hash: toHex(await digest(salt, fromBase64Url(authKeyB64u))) };
}

export async function authKeyMatches(authKeyB64u: string, stored: StoredAuthKey): Promise<boolean> {
  const computed = await digest(fromBase64Url(stored.salt), fromBase64Url(authKeyB64u));
  return equalBytes(computed, fromHex(stored.hash));
}

/** Verified against when the address is unknown, so both paths hash once and compare once. */
export const UNKNOWN_ACCOUNT_AUTH: StoredAuthKey = { salt: 'AAAAAAAAAAAAAAAAAAAAAA', hash: '00'.repeat(32) };

async function hmac(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(message)));
}

/**
 * Stable fake KDF parameters for an address with no account: the salt is
 * HMAC-SHA-256(server secret, label ‖ address) truncated to 16 bytes, the rest are the
 * defaults every account uses, so real and fake answers cannot be told apart.
 */
export async function fakeKdfParams(secret: string, address: string): Promise<KdfParams> {
  const mac = await hmac(secret, `noise-email/fake-kdf-salt/v1\u0000${address}`);
  return { ...KDF_DEFAULTS, salt: toBase64Url(mac.subarray(0, 16)) };
}
