// Negative vectors for the canonical-decoding rules (docs/spec/envelope-v1.md §4.2, §5.4). Each one
// breaks exactly one MUST and is otherwise perfect: the header MAC is recomputed with the content
// key and the sender signs the result again, so a reader that skipped the rule would open it
// (or name another outcome) instead of reporting `malformed`.

import { gcm } from '@noble/ciphers/aes.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, u32be, utf8 } from '../../encoding.ts';
import { HEADER_MAC_LENGTH, HEADER_PREFIX_LENGTH, MAGIC, parseHeaderPrefix } from '../header.ts';
import { LABEL_PAYLOAD } from '../labels.ts';
import {
  CHUNK_SIZE,
  headerMac,
  PayloadDigest,
  SEGMENT_SIZE,
  SIGNATURE_LENGTH,
  segmentNonce,
  signatureMessage,
} from '../payload.ts';
import { sealBytes } from '../seal.ts';
import { drbg } from './drbg.ts';
import type { VectorParty } from './vectors-build.ts';

/** The parts of an envelope, with the content key its seed gave (the first 32 DRBG bytes, §8.1). */
interface Parts {
  contentKey: Uint8Array;
  /** Header body: from the envelope id through the last entry. */
  body: Uint8Array;
  chunks: Uint8Array[];
  /** Offset of the u16 count inside `body`. */
  countAt: number;
}

export function split(envelope: Uint8Array, seed: string): Parts {
  const headerLength = parseHeaderPrefix(envelope.subarray(0, HEADER_PREFIX_LENGTH));
  const body = envelope.slice(HEADER_PREFIX_LENGTH, headerLength - HEADER_MAC_LENGTH);
  const payload = envelope.subarray(headerLength, envelope.length - SIGNATURE_LENGTH);
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < payload.length; o += CHUNK_SIZE) chunks.push(payload.slice(o, o + CHUNK_SIZE));
  const countAt = 16 + 8 + 16 + 1 + body[16 + 8 + 16]! + 32 + 32 + 64;
  return { contentKey: drbg(seed)(32), body, chunks, countAt };
}

/** Entry byte ranges inside a header body (§5.3), walking the variable-length fields. */
export function entryRanges(parts: Parts): [number, number][] {
  const b = parts.body;
  const count = (b[parts.countAt]! << 8) | b[parts.countAt + 1]!;
  const out: [number, number][] = [];
  let o = parts.countAt + 2;
  for (let i = 0; i < count; i++) {
    const start = o;
    o += 1 + b[o]!; // address
    o += 1 + b[o]!; // device id
    o += 16 + 4; // key id, spk id
    o += b[o] === 1 ? 5 : 1; // opkField
    o += 32 + 48; // EK, wrapped key
    out.push([start, o]);
  }
  return out;
}

/** Header MAC (§4.1) and signature (§4.4) made again over a changed header body and given chunks. */
export function reassemble(
  parts: Parts,
  body: Uint8Array,
  chunks: Uint8Array[],
  sender: VectorParty,
): Uint8Array {
  const unmacked = concatBytes(MAGIC, u32be(body.length + HEADER_MAC_LENGTH), body);
  const header = concatBytes(unmacked, headerMac(parts.contentKey, unmacked));
  const digest = new PayloadDigest();
  for (const c of chunks) digest.absorb(sha256(c));
  const signature = ed25519.sign(signatureMessage(header, digest.digest()), sender.identity.signingSecret);
  return concatBytes(header, ...chunks, signature);
}

function withCount(body: Uint8Array, countAt: number, count: number): Uint8Array {
  const out = body.slice();
  out[countAt] = count >> 8;
  out[countAt + 1] = count & 0xff;
  return out;
}

/** §5.4: the last entry appears twice (same key id, device id and address). */
export function duplicateEntry(env: Uint8Array, seed: string, sender: VectorParty): Uint8Array {
  const p = split(env, seed);
  const ranges = entryRanges(p);
  const [start, end] = ranges[ranges.length - 1]!;
  const body = concatBytes(withCount(p.body, p.countAt, ranges.length + 1), p.body.subarray(start, end));
  return reassemble(p, body, p.chunks, sender);
}

/** §5.4: count 0 and no entries. */
export function countZero(env: Uint8Array, seed: string, sender: VectorParty): Uint8Array {
  const p = split(env, seed);
  const body = withCount(p.body, p.countAt, 0).subarray(0, p.countAt + 2);
  return reassemble(p, body, p.chunks, sender);
}

/** §5.4: one byte between the last entry and the MAC. */
export function trailingBytes(env: Uint8Array, seed: string, sender: VectorParty): Uint8Array {
  const p = split(env, seed);
  return reassemble(p, concatBytes(p.body, new Uint8Array([0])), p.chunks, sender);
}

/** §5.4: createdAt = 2^53, one above the largest allowed value. */
export function createdAtOutOfRange(env: Uint8Array, seed: string, sender: VectorParty): Uint8Array {
  const p = split(env, seed);
  const body = p.body.slice();
  body.set([0x00, 0x20, 0, 0, 0, 0, 0, 0], 16);
  return reassemble(p, body, p.chunks, sender);
}

/** §5.4 / §1.3: the recipient address of the last entry carries a control character. */
export function controlInAddress(env: Uint8Array, seed: string, sender: VectorParty): Uint8Array {
  const p = split(env, seed);
  const ranges = entryRanges(p);
  const [start] = ranges[ranges.length - 1]!;
  const body = p.body.slice();
  body[start + 2] = 0x01; // the address's second character
  return reassemble(p, body, p.chunks, sender);
}

/** §5.4: 1025 entries; the first 1024 are copies of the last one under other addresses. */
export function countTooHigh(env: Uint8Array, seed: string, sender: VectorParty): Uint8Array {
  const p = split(env, seed);
  const ranges = entryRanges(p);
  const [start, end] = ranges[ranges.length - 1]!;
  const entry = p.body.subarray(start, end);
  const addressLength = entry[0]!;
  const extra: Uint8Array[] = [];
  for (let i = 0; i < 1025 - ranges.length; i++) {
    const address = utf8(`r${String(i).padStart(4, '0')}@example.org`);
    extra.push(concatBytes(new Uint8Array([address.length]), address, entry.subarray(1 + addressLength)));
  }
  const body = concatBytes(withCount(p.body, p.countAt, 1025), ...extra);
  return reassemble(p, body, p.chunks, sender);
}

/**
 * §4.2: a body of exactly one segment written as a full segment with flag 0 followed by an empty
 * last segment with flag 1. Every tag and the signature are valid; only canonicality fails.
 */
export async function emptyFinalSegment(
  seed: string,
  plaintext: Uint8Array,
  sender: VectorParty,
  recipientBundle: Parameters<typeof sealBytes>[2][number],
  createdAt: number,
): Promise<Uint8Array> {
  if (plaintext.length !== SEGMENT_SIZE) throw new Error('emptyFinalSegment: needs one full segment');
  const sealed = await sealBytes(plaintext, sender, [recipientBundle], { random: drbg(seed), createdAt });
  const p = split(sealed, seed);
  const payloadNonce = p.body.subarray(24, 40);
  const payloadKey = hkdf(sha256, p.contentKey, payloadNonce, utf8(LABEL_PAYLOAD), 32);
  const chunks = [
    gcm(payloadKey, segmentNonce(0, false)).encrypt(plaintext),
    gcm(payloadKey, segmentNonce(1, true)).encrypt(new Uint8Array(0)),
  ];
  return reassemble(p, p.body, chunks, sender);
}
