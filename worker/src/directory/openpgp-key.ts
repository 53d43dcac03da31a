// OpenPGP public key processing for the directory, after the keys.openpgp.org rules:
// refuse secret key material, keep only self-signed user IDs of verified addresses, drop
// third-party certifications and user attributes, refuse keys that cannot encrypt.

import * as openpgp from 'openpgp';
import { ApiError } from '../http/errors.ts';

/** RFC 9580 §5 packet tags that carry secret key material. */
const TAG_SECRET_KEY = 5;
const TAG_SECRET_SUBKEY = 7;
const TAG_SIGNATURE = 2;

/** Tags of every packet in a binary OpenPGP stream (RFC 9580 §4.2 headers, both formats). */
export function packetTags(bytes: Uint8Array): number[] {
  const tags: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const head = bytes[i]!;
    if ((head & 0x80) === 0) throw new ApiError(400, 'malformed_key', 'Not an OpenPGP packet stream.');
    let length: number;
    let partial = false;
    if (head & 0x40) {
      // §4.2.1 OpenPGP (new) format
      tags.push(head & 0x3f);
      let first = bytes[i + 1];
      i += 2;
      for (;;) {
        if (first === undefined) throw new ApiError(400, 'malformed_key', 'Truncated packet header.');
        if (first < 192) length = first;
        else if (first < 224) {
          length = ((first - 192) << 8) + (bytes[i]! ?? 0) + 192;
          i += 1;
        } else if (first === 255) {
          length = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
          i += 4;
        } else {
          length = 1 << (first & 0x1f);
          partial = true;
        }
        i += length;
        if (!partial) break;
        partial = false;
        first = bytes[i];
        i += 1;
      }
    } else {
      // §4.2.2 Legacy format
      tags.push((head >> 2) & 0x0f);
      const lengthType = head & 0x03;
      i += 1;
      if (lengthType === 0) length = bytes[i]!;
      else if (lengthType === 1) length = (bytes[i]! << 8) | bytes[i + 1]!;
      else if (lengthType === 2)
        length = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
      else length = bytes.length - i; // indeterminate: to the end
      i += lengthType === 3 ? 0 : 1 << lengthType;
      i += length;
    }
  }
  if (i > bytes.length) throw new ApiError(400, 'malformed_key', 'Truncated OpenPGP packet.');
  return tags;
}

function refuseSecret(): never {
  throw new ApiError(
    400,
    'secret_key_material',
    'Secret key material is never accepted: upload the public key only.',
  );
}

/** Decodes armored (or raw binary) input and refuses any secret key or secret subkey packet. */
export async function publicKeyBytes(input: string | Uint8Array): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(input)) refuseSecret();
    try {
      const unarmored = await openpgp.unarmor(input);
      if (unarmored.type === openpgp.enums.armor.privateKey) refuseSecret();
      if (unarmored.type !== openpgp.enums.armor.publicKey)
        throw new ApiError(400, 'malformed_key', 'Expected an armored OpenPGP public key.');
      bytes = unarmored.data as unknown as Uint8Array;
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError(400, 'malformed_key', 'The armored OpenPGP key cannot be decoded.');
    }
  } else bytes = input;
  const tags = packetTags(bytes);
  if (tags.includes(TAG_SECRET_KEY) || tags.includes(TAG_SECRET_SUBKEY)) refuseSecret();
  return bytes;
}

/** Parses exactly one transferable public key (RFC 9580 §10.1). */
export async function readPublicKey(input: string | Uint8Array): Promise<openpgp.PublicKey> {
  const bytes = await publicKeyBytes(input);
  let keys: openpgp.Key[];
  try {
    keys = await openpgp.readKeys({ binaryKeys: bytes });
  } catch {
    throw new ApiError(400, 'malformed_key', 'The OpenPGP key cannot be parsed.');
  }
  if (keys.length !== 1) throw new ApiError(400, 'malformed_key', 'Upload exactly one OpenPGP key.');
  const key = keys[0]!;
  if (key.isPrivate()) refuseSecret();
  return key as openpgp.PublicKey;
}

/** openpgp.js keeps these at runtime; its typings omit them. */
interface KeyInternals {
  clone(deep: boolean): openpgp.PublicKey;
  directSignatures: openpgp.SignaturePacket[];
}

function deepCopy(key: openpgp.Key): openpgp.PublicKey & KeyInternals {
  return (key as unknown as KeyInternals).clone(true) as openpgp.PublicKey & KeyInternals;
}

export function emailOf(user: openpgp.User): string | null {
  const email = user.userID?.email;
  return email ? email.toLowerCase() : null;
}

async function selfCertified(key: openpgp.PublicKey, user: openpgp.User): Promise<openpgp.SignaturePacket[]> {
  const primary = key.keyPacket;
  const valid: openpgp.SignaturePacket[] = [];
  for (const sig of user.selfCertifications) {
    try {
      await sig.verify(primary, openpgp.enums.signature.certGeneric, { userID: user.userID, key: primary });
      valid.push(sig);
    } catch {
      // an invalid or foreign self-signature is dropped
    }
  }
  return valid;
}

/**
 * Returns a copy of `key` carrying only the user IDs whose email is in `addresses`
 * (lowercased) and that have a valid self-certification. Third-party certifications,
 * third-party revocations and user attributes are removed.
 */
export async function stripKey(
  key: openpgp.PublicKey,
  addresses: ReadonlySet<string>,
): Promise<openpgp.PublicKey> {
  const copy = deepCopy(key);
  const primaryId = copy.getKeyID();
  const own = (sig: openpgp.SignaturePacket) => sig.issuerKeyID.equals(primaryId);
  copy.revocationSignatures = copy.revocationSignatures.filter(own);
  copy.directSignatures = copy.directSignatures.filter(own);
  const kept: openpgp.User[] = [];
  for (const user of copy.users) {
    if (!user.userID) continue; // user attribute packet (photo)
    const email = emailOf(user);
    if (!email || !addresses.has(email)) continue;
    const selfSigs = await selfCertified(copy, user);
    if (selfSigs.length === 0) continue;
    user.selfCertifications = selfSigs;
    user.otherCertifications = [];
    user.revocationSignatures = user.revocationSignatures.filter(own);
    kept.push(user);
  }
  copy.users = kept;
  return copy;
}

/** Lowercased emails of the self-certified user IDs of `key`. */
export async function certifiedEmails(key: openpgp.PublicKey): Promise<string[]> {
  const out: string[] = [];
  for (const user of key.users) {
    const email = emailOf(user);
    if (email && user.userID && (await selfCertified(key, user)).length > 0) out.push(email);
  }
  return out;
}

export async function isRevoked(key: openpgp.PublicKey): Promise<boolean> {
  return key.isRevoked();
}

/** Refuses a key without a currently valid encryption-capable (sub)key. */
export async function requireEncryptionKey(key: openpgp.PublicKey): Promise<void> {
  try {
    await key.getEncryptionKey();
  } catch {
    throw new ApiError(
      400,
      'key_unusable',
      'The key has no valid encryption subkey (expired, revoked or missing).',
    );
  }
}

/** Key sizes of the ECC curves, for HKP indexes (RFC 9580 §9.2). */
const CURVE_BITS: Record<string, number> = {
  ed25519Legacy: 255,
  curve25519Legacy: 255,
  nistP256: 256,
  nistP384: 384,
  nistP521: 521,
  secp256k1: 256,
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
  /** Full user ID strings by lowercased email, for HKP indexes. */
  userIds: Map<string, string>;
  subkeys: { fingerprint: string; keyId: string }[];
}

/** The stored form of a (stripped) key and the metadata lookups need without parsing it. */
export async function storedForm(key: openpgp.PublicKey): Promise<StoredKeyForm> {
  const binary = key.write();
  const info = key.getAlgorithmInfo();
  const expiration = await key.getExpirationTime().catch(() => null);
  const userIds = new Map<string, string>();
  for (const user of key.users) {
    const email = emailOf(user);
    if (email && user.userID && !userIds.has(email)) userIds.set(email, user.userID.userID);
  }
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    keyId: key.getKeyID().toHex().toUpperCase(),
    binary,
    armored: key.armor(),
    algorithm: key.keyPacket.algorithm as number,
    bits: info.bits ?? (info.curve ? (CURVE_BITS[info.curve] ?? null) : null),
    createdAt: Math.floor(key.getCreationTime().getTime() / 1000),
    expiresAt: expiration instanceof Date ? Math.floor(expiration.getTime() / 1000) : null,
    revoked: await key.isRevoked(),
    userIds,
    subkeys: key.subkeys.map((sk) => ({
      fingerprint: sk.getFingerprint().toUpperCase(),
      keyId: sk.getKeyID().toHex().toUpperCase(),
    })),
  };
}

/** WKD (draft-koch-openpgp-webkey-service §3.1): the binary key with only the matching user ID. */
export async function keyForAddress(binary: Uint8Array, address: string): Promise<Uint8Array> {
  const key = await openpgp.readKey({ binaryKey: binary });
  const copy = deepCopy(key);
  copy.users = copy.users.filter((u) => emailOf(u) === address.toLowerCase());
  return copy.write();
}

/** Applies an uploaded revocation (a revocation signature, or the key carrying one) to `key`. */
export async function applyRevocation(
  key: openpgp.PublicKey,
  revocation: string,
): Promise<openpgp.PublicKey> {
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(revocation)) refuseSecret();
  let bytes: Uint8Array;
  try {
    bytes = (await openpgp.unarmor(revocation)).data as unknown as Uint8Array;
  } catch {
    throw new ApiError(400, 'malformed_key', 'The revocation cannot be decoded.');
  }
  const tags = packetTags(bytes);
  // A revocation certificate is a lone signature packet (gpg and openpgp.js both armor it as
  // a PUBLIC KEY BLOCK); anything else must be the key itself carrying the revocation.
  if (tags.length > 0 && tags.every((t) => t === TAG_SIGNATURE)) {
    try {
      const { publicKey } = await openpgp.revokeKey({
        key,
        revocationCertificate: revocation,
        format: 'object',
      });
      return publicKey;
    } catch {
      throw new ApiError(400, 'bad_signature', 'The revocation certificate does not verify for this key.');
    }
  }
  const uploaded = await readPublicKey(bytes);
  if (uploaded.getFingerprint() !== key.getFingerprint())
    throw new ApiError(400, 'bad_signature', 'The uploaded key is not the published key.');
  const merged = (await key.update(uploaded)) as openpgp.PublicKey;
  if (!(await merged.isRevoked()))
    throw new ApiError(400, 'not_revoked', 'The upload carries no valid key revocation.');
  return merged;
}
