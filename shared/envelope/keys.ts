// §2 Keys: generation of the identity, signed prekeys and one-time prekeys; their public halves;
// fingerprints; and the JSON form of the private halves kept in the vault (base64url fields).

import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { fromBase64Url, toBase64Url, toHex } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { abytes, atimestamp, au32 } from './assert.ts';
import { ed25519PublicKey, ed25519Sign, ed25519Verify, x25519PublicKey } from './curves.ts';
import {
  identityDhMessage,
  identityFingerprint,
  type PublicIdentity,
  type PublicOneTimePrekey,
  type PublicSignedPrekey,
  signedPrekeyMessage,
} from './identity.ts';
import { type RandomSource, webRandom } from './random.ts';

/** Private half of an identity: the Ed25519 seed and the X25519 secret IK. */
export interface IdentitySecret {
  signingSecret: Uint8Array;
  dhSecret: Uint8Array;
}

export interface SignedPrekeySecret {
  id: number;
  createdAt: number;
  secret: Uint8Array;
}

export interface OneTimePrekeySecret {
  id: number;
  secret: Uint8Array;
}

export interface KeyGenOptions {
  random?: RandomSource;
}

export function generateIdentity(opts: KeyGenOptions = {}): IdentitySecret {
  const random = opts.random ?? webRandom;
  return { signingSecret: random(32), dhSecret: random(32) };
}

/** §2.2: the published identity; Ed25519 signatures are deterministic, so this is reproducible. */
export function publicIdentity(identity: IdentitySecret): PublicIdentity {
  abytes(identity.signingSecret, 32, 'identity.signingSecret');
  abytes(identity.dhSecret, 32, 'identity.dhSecret');
  const dhKey = x25519.getPublicKey(identity.dhSecret);
  return {
    signingKey: ed25519.getPublicKey(identity.signingSecret),
    dhKey,
    dhKeySignature: ed25519.sign(identityDhMessage(dhKey), identity.signingSecret),
  };
}

/** Same as publicIdentity, through WebCrypto where available (seal and open use this). */
export async function publicIdentityAsync(identity: IdentitySecret): Promise<PublicIdentity> {
  const { signingKey, dhKey } = await identityPublicKeys(identity);
  return {
    signingKey,
    dhKey,
    dhKeySignature: await ed25519Sign(identityDhMessage(dhKey), identity.signingSecret),
  };
}

/** The two public keys of an identity, without the signature (enough for key ids and AD). */
export async function identityPublicKeys(
  identity: IdentitySecret,
): Promise<Pick<PublicIdentity, 'signingKey' | 'dhKey'>> {
  abytes(identity.signingSecret, 32, 'identity.signingSecret');
  abytes(identity.dhSecret, 32, 'identity.dhSecret');
  return {
    signingKey: await ed25519PublicKey(identity.signingSecret),
    dhKey: await x25519PublicKey(identity.dhSecret),
  };
}

/** verifyIdentity (identity.ts, the Worker's check) through WebCrypto where available. */
export async function verifyIdentityAsync(id: PublicIdentity): Promise<boolean> {
  return (
    id.dhKey.length === 32 && ed25519Verify(id.dhKeySignature, identityDhMessage(id.dhKey), id.signingKey)
  );
}

export async function verifySignedPrekeyAsync(
  signingKey: Uint8Array,
  spk: PublicSignedPrekey,
): Promise<boolean> {
  if (spk.publicKey.length !== 32) return false;
  let message: Uint8Array;
  try {
    message = signedPrekeyMessage(spk.id, spk.createdAt, spk.publicKey);
  } catch {
    return false; // id or createdAt out of range
  }
  return ed25519Verify(spk.signature, message, signingKey);
}

export async function publicSignedPrekeyAsync(
  identity: IdentitySecret,
  spk: SignedPrekeySecret,
): Promise<PublicSignedPrekey> {
  abytes(identity.signingSecret, 32, 'identity.signingSecret');
  abytes(spk.secret, 32, 'spk.secret');
  const publicKey = await x25519PublicKey(spk.secret);
  const signature = await ed25519Sign(
    signedPrekeyMessage(spk.id, spk.createdAt, publicKey),
    identity.signingSecret,
  );
  return { id: spk.id, createdAt: spk.createdAt, publicKey, signature };
}

export function generateSignedPrekey(
  id: number,
  createdAt: number,
  opts: KeyGenOptions = {},
): SignedPrekeySecret {
  au32(id, 'id');
  atimestamp(createdAt, 'createdAt');
  return { id, createdAt, secret: (opts.random ?? webRandom)(32) };
}

/** §2.3: the signed prekey as uploaded, signed by the identity signing key. */
export function publicSignedPrekey(identity: IdentitySecret, spk: SignedPrekeySecret): PublicSignedPrekey {
  abytes(identity.signingSecret, 32, 'identity.signingSecret');
  abytes(spk.secret, 32, 'spk.secret');
  const publicKey = x25519.getPublicKey(spk.secret);
  return {
    id: spk.id,
    createdAt: spk.createdAt,
    publicKey,
    signature: ed25519.sign(signedPrekeyMessage(spk.id, spk.createdAt, publicKey), identity.signingSecret),
  };
}

/** §2.4: `count` one-time prekeys with consecutive ids starting at `firstId`. */
export function generateOneTimePrekeys(
  firstId: number,
  count: number,
  opts: KeyGenOptions = {},
): OneTimePrekeySecret[] {
  au32(firstId, 'firstId');
  au32(firstId + count - 1, 'firstId + count - 1');
  const random = opts.random ?? webRandom;
  return Array.from({ length: count }, (_, i) => ({ id: firstId + i, secret: random(32) }));
}

export function publicOneTimePrekey(opk: OneTimePrekeySecret): PublicOneTimePrekey {
  abytes(opk.secret, 32, 'opk.secret');
  return { id: opk.id, publicKey: x25519.getPublicKey(opk.secret) };
}

// §2.5 lives with the public identity (identity.ts), which the Worker can import without WebCrypto.
export { identityFingerprint };

/** §2.5: the key id in recipient entries is the first 16 bytes of the fingerprint. */
export function identityKeyId(identity: Pick<PublicIdentity, 'signingKey' | 'dhKey'>): Uint8Array {
  return identityFingerprint(identity).subarray(0, 16);
}

/** Uppercase hex of the fingerprint, as shown to users and in verdicts. */
export function fingerprintHex(identity: Pick<PublicIdentity, 'signingKey' | 'dhKey'>): string {
  return toHex(identityFingerprint(identity)).toUpperCase();
}

// --- JSON form of the private halves (vault contents) -------------------------------------

export interface IdentitySecretJson {
  signingSecret: string;
  dhSecret: string;
}
export interface SignedPrekeySecretJson {
  id: number;
  createdAt: number;
  secret: string;
}
export interface OneTimePrekeySecretJson {
  id: number;
  secret: string;
}

export function identitySecretToJson(s: IdentitySecret): IdentitySecretJson {
  return { signingSecret: toBase64Url(s.signingSecret), dhSecret: toBase64Url(s.dhSecret) };
}

export function signedPrekeySecretToJson(s: SignedPrekeySecret): SignedPrekeySecretJson {
  return { id: s.id, createdAt: s.createdAt, secret: toBase64Url(s.secret) };
}

export function oneTimePrekeySecretToJson(s: OneTimePrekeySecret): OneTimePrekeySecretJson {
  return { id: s.id, secret: toBase64Url(s.secret) };
}

export function identitySecretFromJson(json: unknown): IdentitySecret {
  const o = strictObject(json, ['signingSecret', 'dhSecret'], 'identity');
  return {
    signingSecret: key32(o.signingSecret, 'identity.signingSecret'),
    dhSecret: key32(o.dhSecret, 'identity.dhSecret'),
  };
}

export function signedPrekeySecretFromJson(json: unknown): SignedPrekeySecret {
  const o = strictObject(json, ['id', 'createdAt', 'secret'], 'signedPrekey');
  au32(o.id, 'signedPrekey.id');
  atimestamp(o.createdAt, 'signedPrekey.createdAt');
  return { id: o.id, createdAt: o.createdAt, secret: key32(o.secret, 'signedPrekey.secret') };
}

export function oneTimePrekeySecretFromJson(json: unknown): OneTimePrekeySecret {
  const o = strictObject(json, ['id', 'secret'], 'oneTimePrekey');
  au32(o.id, 'oneTimePrekey.id');
  return { id: o.id, secret: key32(o.secret, 'oneTimePrekey.secret') };
}

function strictObject(json: unknown, keys: string[], name: string): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new NoiseError('malformed', `${name}: expected an object`);
  }
  const actual = Object.keys(json).sort();
  if (actual.join() !== [...keys].sort().join())
    throw new NoiseError('malformed', `${name}: unexpected fields`);
  return json as Record<string, unknown>;
}

function key32(value: unknown, name: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    if (typeof value !== 'string') throw new TypeError('not a string');
    bytes = fromBase64Url(value);
  } catch {
    throw new NoiseError('malformed', `${name}: expected base64url`);
  }
  if (bytes.length !== 32) throw new NoiseError('malformed', `${name}: expected 32 bytes`);
  return bytes;
}
