// §1–2 The HPKE suite (RFC 9180) of the relay seal and its keys: DHKEM(X25519, HKDF-SHA256),
// HKDF-SHA256, AES-128-GCM in mode_base — the suite of RFC 9180 Appendix A.1, so the library
// (@hpke/core, WebCrypto underneath) is checked against the RFC's own vectors. X25519 gives
// about 128-bit security; AES-128-GCM matches it.

import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { concatBytes, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { KEY_ID_LENGTH, LABEL_KEY_ID, MIN_IKM_LENGTH } from './labels.ts';

export const relaySuite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes128Gcm(),
});

export interface RelayKeyPair {
  /** Raw X25519 public key, 32 bytes (RFC 9180 §7.1.1 SerializePublicKey). */
  publicKey: Uint8Array;
  keyId: Uint8Array;
  privateKey: CryptoKey;
}

/** §2.2 SHA-256("noise.email/relay/v1/key-id" ‖ 0x00 ‖ public key), first 8 bytes. */
export async function relayKeyId(publicKey: Uint8Array): Promise<Uint8Array> {
  const input = concatBytes(utf8(LABEL_KEY_ID), new Uint8Array([0]), publicKey);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input as Uint8Array<ArrayBuffer>));
  return digest.slice(0, KEY_ID_LENGTH);
}

/** §2.1 the key pair from the relay's secret: RFC 9180 §7.1.3 DeriveKeyPair(ikm). */
export async function deriveRelayKeyPair(ikm: Uint8Array): Promise<RelayKeyPair> {
  if (!(ikm instanceof Uint8Array) || ikm.length < MIN_IKM_LENGTH)
    throw new NoiseError('invalid_argument', `relay key: at least ${MIN_IKM_LENGTH} bytes of secret`);
  const pair = await relaySuite.kem.deriveKeyPair(ikm);
  const publicKey = new Uint8Array(await relaySuite.kem.serializePublicKey(pair.publicKey));
  return { publicKey, keyId: await relayKeyId(publicKey), privateKey: pair.privateKey };
}
