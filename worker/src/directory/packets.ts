// The raw packet stream of an upload, read before openpgp.js parses anything: secret key
// material is refused, and so is a key with more parts than any real key has, before a single
// signature is checked (a 1,000-subkey key costs a header walk, not 1,000 verifications).

import * as openpgp from 'openpgp';
import { ApiError } from '../http/errors.ts';

/** RFC 9580 §5 packet tags. */
export const TAG = {
  signature: 2,
  secretKey: 5,
  publicKey: 6,
  secretSubkey: 7,
  userId: 13,
  publicSubkey: 14,
  userAttribute: 17,
} as const;

/**
 * What one key may carry in an upload (docs/api.md). Real keys stay far below: gpg and
 * openpgp.js make 1–3 subkeys; a key with years of renewals has a few dozen signatures.
 */
export const KEY_PART_LIMITS = {
  subkeys: 32,
  /** User ID and user attribute packets together. */
  userIds: 16,
  /** Signature packets of every kind, third-party certifications included (they are dropped). */
  signatures: 256,
} as const;

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

export function refuseSecret(): never {
  throw new ApiError(
    400,
    'secret_key_material',
    'Secret key material is never accepted: upload the public key only.',
  );
}

function count(tags: number[], ...wanted: number[]): number {
  return tags.filter((t) => wanted.includes(t)).length;
}

/** Refuses secret packets and keys over KEY_PART_LIMITS. */
export function checkPacketStream(bytes: Uint8Array): void {
  const tags = packetTags(bytes);
  if (tags.includes(TAG.secretKey) || tags.includes(TAG.secretSubkey)) refuseSecret();
  if (count(tags, TAG.publicSubkey) > KEY_PART_LIMITS.subkeys)
    throw new ApiError(
      400,
      'too_many_subkeys',
      `A key may carry at most ${KEY_PART_LIMITS.subkeys} subkeys.`,
    );
  if (count(tags, TAG.userId, TAG.userAttribute) > KEY_PART_LIMITS.userIds)
    throw new ApiError(
      400,
      'too_many_user_ids',
      `A key may carry at most ${KEY_PART_LIMITS.userIds} user IDs.`,
    );
  if (count(tags, TAG.signature) > KEY_PART_LIMITS.signatures)
    throw new ApiError(
      400,
      'too_many_signatures',
      `A key may carry at most ${KEY_PART_LIMITS.signatures} signatures.`,
    );
}

/** Decodes armored (or raw binary) input into bytes, refusing armored private keys. */
export async function unarmorKey(input: string | Uint8Array): Promise<Uint8Array> {
  if (typeof input !== 'string') return input;
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(input)) refuseSecret();
  let unarmored: Awaited<ReturnType<typeof openpgp.unarmor>>;
  try {
    unarmored = await openpgp.unarmor(input);
  } catch {
    throw new ApiError(400, 'malformed_key', 'The armored OpenPGP key cannot be decoded.');
  }
  if (unarmored.type === openpgp.enums.armor.privateKey) refuseSecret();
  if (unarmored.type !== openpgp.enums.armor.publicKey && unarmored.type !== openpgp.enums.armor.signature)
    throw new ApiError(400, 'malformed_key', 'Expected an armored OpenPGP public key.');
  return unarmored.data as unknown as Uint8Array;
}
