// OpenPGP public keys as the directory reads, stores and serves them (after the keys.openpgp.org
// rules): secret key material and oversized keys are refused before parsing (packets.ts), the
// key is taken apart into verified parts and put back together (certificate.ts), and only user
// IDs of verified addresses are kept.

import * as openpgp from 'openpgp';
import { normalizeAddress } from '../../../shared/address.ts';
import { FULL_CONFIG, PGP_CONFIG } from '../../../shared/pgp/config.ts';
import { ApiError } from '../http/errors.ts';
import { assemble, type KeyParts, keyParts, subkeysOf } from './certificate.ts';
import { checkPacketStream, refuseSecret, unarmorKey } from './packets.ts';

/** Parses exactly one transferable public key (RFC 9580 §10.1), refusing secrets and oversized keys. */
export async function readPublicKey(input: string | Uint8Array): Promise<openpgp.PublicKey> {
  const bytes = await unarmorKey(input);
  checkPacketStream(bytes);
  let keys: openpgp.Key[];
  try {
    keys = await openpgp.readKeys({ binaryKeys: bytes, config: PGP_CONFIG });
  } catch {
    throw new ApiError(400, 'malformed_key', 'The OpenPGP key cannot be parsed.');
  }
  if (keys.length !== 1) throw new ApiError(400, 'malformed_key', 'Upload exactly one OpenPGP key.');
  const key = keys[0]!;
  if (key.isPrivate()) refuseSecret();
  return key as openpgp.PublicKey;
}

function emailOf(user: openpgp.User): string | null {
  const email = user.userID?.email;
  return email ? normalizeAddress(email) : null;
}

/** User IDs that are valid now (a self-certification that verifies and is not revoked), by email. */
export async function validUserIds(key: openpgp.PublicKey): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const now = new Date();
  for (const user of key.users) {
    const email = emailOf(user);
    if (!email || !user.userID || out.has(email)) continue;
    try {
      await user.verify(now, FULL_CONFIG);
      out.set(email, user.userID.userID);
    } catch {
      // no valid self-certification now, or revoked: not bound to an address
    }
  }
  return out;
}

/** Key sizes of the ECC curves, for HKP indexes (RFC 9580 §9.2). */
const CURVE_BITS: Record<string, number> = {
  ed25519Legacy: 255,
  curve25519Legacy: 255,
  nistP256: 256,
  nistP384: 384,
  nistP521: 521,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

export interface StoredKeyForm {
  fingerprint: string;
  keyId: string;
  binary: Uint8Array;
  armored: string;
  algorithm: number;
  bits: number | null;
  createdAt: number; // unix seconds
  expiresAt: number | null; // unix seconds
  revoked: boolean;
  /** Full user ID strings by lowercased email of the user IDs valid now, for bindings and HKP. */
  userIds: Map<string, string>;
  /** Bound subkeys, for the lookup index; `proven`: the subkey co-signed its binding. */
  subkeys: { fingerprint: string; keyId: string; proven: boolean }[];
}

/** The stored form of an assembled key and the metadata lookups need without parsing it. */
export async function storedForm(key: openpgp.PublicKey, parts: KeyParts): Promise<StoredKeyForm> {
  const info = key.getAlgorithmInfo();
  const expiration = await key.getExpirationTime(undefined, FULL_CONFIG).catch(() => null);
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    keyId: key.getKeyID().toHex().toUpperCase(),
    binary: key.write(),
    armored: key.armor(),
    algorithm: key.keyPacket.algorithm as number,
    bits: info.bits ?? (info.curve ? (CURVE_BITS[info.curve] ?? null) : null),
    createdAt: Math.floor(key.getCreationTime().getTime() / 1000),
    expiresAt: expiration instanceof Date ? Math.floor(expiration.getTime() / 1000) : null,
    revoked: await key.isRevoked(undefined, undefined, new Date(), FULL_CONFIG),
    userIds: await validUserIds(key),
    subkeys: subkeysOf(parts),
  };
}

/** The stored copy of a key, taken apart without checking its signatures again. */
export async function storedParts(binary: Uint8Array): Promise<KeyParts> {
  const key = await openpgp.readKey({ binaryKey: binary, config: PGP_CONFIG });
  return keyParts(key as openpgp.PublicKey, true);
}

/** WKD (draft-koch-openpgp-webkey-service §3.1): the binary key with only the matching user ID. */
export async function keyForAddress(binary: Uint8Array, address: string): Promise<Uint8Array> {
  const wanted = normalizeAddress(address);
  return assemble(await storedParts(binary), (email) => email === wanted).write();
}
