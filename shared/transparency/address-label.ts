// Address labels and fingerprint commitments (docs/spec/transparency-v1.md §3.2–3.4): the VRF
// input of an address, the label and commitment key split from the VRF output, and the
// HMAC commitment a leaf carries instead of a fingerprint.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { normalizeAddress } from '../address.ts';
import { concatBytes, fromHex, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { LABEL_COMMITMENT, LABEL_VRF_INPUT } from './labels.ts';
import { vrfOutput, vrfProofToHash, vrfProve, vrfVerify } from './vrf.ts';

export const LABEL_BYTES = 32;
export const COMMITMENT_BYTES = 32;

/** §3.4 kinds of fingerprint. */
export const FINGERPRINT_KIND = { openpgp: 0x01, envelope: 0x02 } as const;
export type FingerprintKind = (typeof FINGERPRINT_KIND)[keyof typeof FINGERPRINT_KIND];

export interface AddressLabel {
  /** beta[0:32]: goes into every leaf about the address. */
  label: Uint8Array;
  /** beta[32:64]: keys the fingerprint commitments; never in the log. */
  commitmentKey: Uint8Array;
}

/** §1.3 the directory's canonical form: the address normal form (docs/api.md, Addresses). */
export function canonicalAddress(address: string): string {
  return normalizeAddress(address);
}

/** §3.2 alpha = LABEL_VRF_INPUT ‖ 0x00 ‖ address. */
export function vrfInput(address: string): Uint8Array {
  return concatBytes(utf8(LABEL_VRF_INPUT), new Uint8Array([0]), utf8(canonicalAddress(address)));
}

/** §3.3 label = beta[0:32], ck = beta[32:64]. */
export function splitOutput(beta: Uint8Array): AddressLabel {
  return { label: beta.slice(0, LABEL_BYTES), commitmentKey: beta.slice(LABEL_BYTES, 64) };
}

/** The directory's side: the label of an address (no proof needed to write a leaf). */
export function labelOfAddress(vrfSecret: Uint8Array, address: string): AddressLabel {
  return splitOutput(vrfOutput(vrfSecret, vrfInput(address)));
}

/** The directory's side: the VRF proof handed out with a lookup, and what it yields. */
export function proveAddress(vrfSecret: Uint8Array, address: string): AddressLabel & { proof: Uint8Array } {
  const proof = vrfProve(vrfSecret, vrfInput(address));
  return { proof, ...splitOutput(vrfProofToHash(proof)) };
}

/** A client's side: the label and commitment key of `address`, if `proof` verifies (§3.1). */
export function verifyAddressProof(
  vrfPublic: Uint8Array,
  address: string,
  proof: Uint8Array,
): AddressLabel | undefined {
  const beta = vrfVerify(vrfPublic, vrfInput(address), proof);
  return beta ? splitOutput(beta) : undefined;
}

/** OpenPGP fingerprints are stored as uppercase hex (20 bytes for v4, 32 for v6). */
export function openpgpFingerprintBytes(hex: string): Uint8Array {
  if (!/^([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/.test(hex))
    throw new NoiseError('invalid_argument', 'fingerprint: expected 40 or 64 hex digits');
  return fromHex(hex);
}

/** §3.4 commit(kind, fp) = HMAC-SHA-256(ck, LABEL_COMMITMENT ‖ 0x00 ‖ u8(kind) ‖ u8(len) ‖ fp). */
export function commitFingerprint(
  commitmentKey: Uint8Array,
  kind: FingerprintKind,
  fingerprint: Uint8Array,
): Uint8Array {
  if (commitmentKey.length !== 32)
    throw new NoiseError('invalid_argument', 'commitmentKey: expected 32 bytes');
  if (fingerprint.length < 1 || fingerprint.length > 255)
    throw new NoiseError('invalid_argument', 'fingerprint: expected 1–255 bytes');
  return hmac(
    sha256,
    commitmentKey,
    concatBytes(utf8(LABEL_COMMITMENT), new Uint8Array([0, kind, fingerprint.length]), fingerprint),
  );
}
