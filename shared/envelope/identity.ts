// Envelope public identity, signed prekeys and one-time prekeys: the signed byte strings.
// Mirrors docs/spec/envelope-v1.md §2 (Keys). The directory (worker) verifies these
// signatures on upload, the sender verifies them again before use.

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, u32be, u64be, utf8 } from '../encoding.ts';
import { abytes } from './assert.ts';
import { LABEL_FINGERPRINT, LABEL_IDENTITY_DH, LABEL_SIGNED_PREKEY } from './labels.ts';

/** The public half of an envelope identity as published in the directory. */
export interface PublicIdentity {
  /** Ed25519 identity signing key, 32 bytes. */
  signingKey: Uint8Array;
  /** X25519 identity key IK, 32 bytes. */
  dhKey: Uint8Array;
  /** Ed25519 signature by signingKey over identityDhMessage(dhKey). */
  dhKeySignature: Uint8Array;
}

export interface PublicSignedPrekey {
  id: number; // u32
  createdAt: number; // unix seconds
  publicKey: Uint8Array; // X25519, 32 bytes
  signature: Uint8Array; // Ed25519 over signedPrekeyMessage(...)
}

export interface PublicOneTimePrekey {
  id: number; // u32
  publicKey: Uint8Array; // X25519, 32 bytes
}

/** What the directory publishes for one device of a recipient (docs/api.md, prekey bundles). */
export interface RecipientBundle {
  address: string;
  /** '' when the account has a single device. */
  deviceId: string;
  identity: PublicIdentity;
  signedPrekey: PublicSignedPrekey;
  /** Absent when the directory ran out of one-time prekeys: X3DH then runs without DH4. */
  oneTimePrekey?: PublicOneTimePrekey | null;
}

/** §2.2: LABEL_IDENTITY_DH ‖ 0x00 ‖ IK */
export function identityDhMessage(dhKey: Uint8Array): Uint8Array {
  return concatBytes(utf8(LABEL_IDENTITY_DH), new Uint8Array([0]), dhKey);
}

/** §2.3: LABEL_SIGNED_PREKEY ‖ 0x00 ‖ u32be(id) ‖ u64be(createdAt) ‖ SPK */
export function signedPrekeyMessage(id: number, createdAt: number, publicKey: Uint8Array): Uint8Array {
  return concatBytes(utf8(LABEL_SIGNED_PREKEY), new Uint8Array([0]), u32be(id), u64be(createdAt), publicKey);
}

function verifySafe(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  if (sig.length !== 64 || pub.length !== 32) return false;
  try {
    return ed25519.verify(sig, msg, pub);
  } catch {
    return false;
  }
}

export function verifyIdentity(id: PublicIdentity): boolean {
  return id.dhKey.length === 32 && verifySafe(id.dhKeySignature, identityDhMessage(id.dhKey), id.signingKey);
}

export function verifySignedPrekey(signingKey: Uint8Array, spk: PublicSignedPrekey): boolean {
  return (
    spk.publicKey.length === 32 &&
    verifySafe(spk.signature, signedPrekeyMessage(spk.id, spk.createdAt, spk.publicKey), signingKey)
  );
}

/** §2.5: SHA-256(LABEL_FINGERPRINT ‖ 0x00 ‖ signingKey ‖ IK), 32 bytes. */
export function identityFingerprint(identity: Pick<PublicIdentity, 'signingKey' | 'dhKey'>): Uint8Array {
  abytes(identity.signingKey, 32, 'identity.signingKey');
  abytes(identity.dhKey, 32, 'identity.dhKey');
  return sha256(
    concatBytes(utf8(LABEL_FINGERPRINT), new Uint8Array([0]), identity.signingKey, identity.dhKey),
  );
}
