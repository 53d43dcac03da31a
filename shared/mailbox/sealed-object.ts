// §3 Sealed objects: a summary or a body under the inbox key. The payload is the envelope's
// STREAM construction (shared/envelope/payload.ts: 256 KiB segments of AES-256-GCM, 88-bit
// counter ‖ last flag as the nonce), so truncation, reordering and flips all fail as 'tampered';
// the per-object key comes from HKDF over the inbox key, a fresh salt, the kind and the message
// id, so an object moved to another message or kind does not open either.

import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, utf8 } from '../encoding.ts';
import { importAesKey, TAG_LENGTH } from '../envelope/aead.ts';
import { ByteQueue } from '../envelope/byte-queue.ts';
import {
  type ByteSource,
  CHUNK_SIZE,
  decryptSegments,
  encryptSegments,
  iterateBytes,
  SEGMENT_SIZE,
  type Segment,
  segmentPlaintext,
  toReadableStream,
} from '../envelope/payload.ts';
import { type RandomSource, webRandom } from '../envelope/random.ts';
import { NoiseError } from '../errors.ts';
import {
  HEADER_LENGTH,
  INBOX_KEY_LENGTH,
  KEY_ID_LENGTH,
  KIND_BODY,
  KIND_SUMMARY,
  LABEL_KEY_ID,
  LABEL_OBJECT,
  MAGIC,
  type ObjectKind,
  SALT_LENGTH,
} from './labels.ts';

export { SEGMENT_SIZE };

/** What an object belongs to: its kind and the server's id of the message (§3.2). */
export interface ObjectContext {
  kind: ObjectKind;
  messageId: string;
}

function assertInboxKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== INBOX_KEY_LENGTH)
    throw new NoiseError('invalid_argument', `inbox key: expected ${INBOX_KEY_LENGTH} bytes`);
}

function assertContext(context: ObjectContext): void {
  if (context.kind !== KIND_SUMMARY && context.kind !== KIND_BODY)
    throw new NoiseError('invalid_argument', 'object kind: summary or body');
  if (typeof context.messageId !== 'string' || context.messageId.length === 0)
    throw new NoiseError('invalid_argument', 'object context: a message id is required');
}

/** A fresh 256-bit inbox key (§2.1). */
export function generateInboxKey(random: RandomSource = webRandom): Uint8Array {
  return random(INBOX_KEY_LENGTH);
}

/** §2.2 key id = HKDF-SHA256(ikm = inbox key, salt = "", info = LABEL_KEY_ID)[0..8]. */
export function inboxKeyId(inboxKey: Uint8Array): Uint8Array {
  assertInboxKey(inboxKey);
  return hkdf(sha256, inboxKey, new Uint8Array(0), utf8(LABEL_KEY_ID), KEY_ID_LENGTH);
}

/** §3.2 info = LABEL_OBJECT ‖ 0x00 ‖ kind ‖ 0x00 ‖ UTF-8(message id). */
function objectKey(inboxKey: Uint8Array, salt: Uint8Array, context: ObjectContext): Promise<CryptoKey> {
  const info = concatBytes(utf8(LABEL_OBJECT), new Uint8Array([0, context.kind, 0]), utf8(context.messageId));
  const raw = hkdf(sha256, inboxKey, salt, info, 32);
  const key = importAesKey(raw);
  raw.fill(0);
  return key;
}

/** Seals plaintext as a stream: the header first, then one chunk per segment (§3.3). */
export async function* sealObjectChunks(
  inboxKey: Uint8Array,
  context: ObjectContext,
  plaintext: ByteSource,
  random: RandomSource = webRandom,
): AsyncGenerator<Uint8Array> {
  assertInboxKey(inboxKey);
  assertContext(context);
  const salt = random(SALT_LENGTH);
  yield concatBytes(MAGIC, new Uint8Array([context.kind]), inboxKeyId(inboxKey), salt);
  const key = await objectKey(inboxKey, salt, context);
  // Nothing signs a mailbox object: the envelope's payload digest would be computed for nobody.
  yield* encryptSegments(key, segmentPlaintext(plaintext), null);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return concatBytes(...parts);
}

export function sealObject(
  inboxKey: Uint8Array,
  context: ObjectContext,
  plaintext: Uint8Array,
  random: RandomSource = webRandom,
): Promise<Uint8Array> {
  return collect(sealObjectChunks(inboxKey, context, [plaintext], random));
}

export function sealObjectStream(
  inboxKey: Uint8Array,
  context: ObjectContext,
  plaintext: ByteSource,
  random: RandomSource = webRandom,
): ReadableStream<Uint8Array> {
  return toReadableStream(sealObjectChunks(inboxKey, context, plaintext, random));
}

/** §3.4 header checks, in the order the spec lists them. */
function checkHeader(header: Uint8Array, inboxKey: Uint8Array, context: ObjectContext): Uint8Array {
  if (header.length < HEADER_LENGTH) throw new NoiseError('malformed', 'mailbox object: truncated header');
  if (!equalBytes(header.subarray(0, 3), MAGIC.subarray(0, 3)))
    throw new NoiseError('malformed', 'mailbox object: not a mailbox object');
  if (header[3] !== MAGIC[3]) throw new NoiseError('unsupported', 'mailbox object: unknown version');
  if (header[4] !== context.kind) throw new NoiseError('malformed', 'mailbox object: wrong kind');
  const keyId = header.subarray(5, 5 + KEY_ID_LENGTH);
  if (!equalBytes(keyId, inboxKeyId(inboxKey)))
    throw new NoiseError('not_for_me', 'mailbox object: sealed under another inbox key');
  return header.subarray(5 + KEY_ID_LENGTH, HEADER_LENGTH);
}

/** §3.4 cuts the ciphertext after the header into chunks; the last one carries the flag. */
async function* ciphertextChunks(q: ByteQueue): AsyncGenerator<Segment> {
  for (let index = 0; ; index++) {
    await q.fill(CHUNK_SIZE + 1);
    if (q.buffered > CHUNK_SIZE) {
      yield { data: q.take(CHUNK_SIZE), last: false };
      continue;
    }
    const n = q.buffered;
    if (n < TAG_LENGTH) throw new NoiseError('malformed', 'mailbox object: truncated chunk');
    // §3.3: an empty last chunk only when it is the only one (one encoding per plaintext).
    if (n === TAG_LENGTH && index > 0) throw new NoiseError('malformed', 'mailbox object: empty last chunk');
    yield { data: q.take(n), last: true };
    return;
  }
}

/**
 * Opens a sealed object as it streams in. Plaintext of a chunk is released once its tag checked;
 * a later failure (truncation, a flipped last chunk) throws before the stream ends, so a caller
 * must treat the output as final only when the stream closed without error.
 */
export async function* openObjectChunks(
  inboxKey: Uint8Array,
  context: ObjectContext,
  sealed: ByteSource,
): AsyncGenerator<Uint8Array> {
  assertInboxKey(inboxKey);
  assertContext(context);
  const q = new ByteQueue(iterateBytes(sealed)[Symbol.asyncIterator]());
  await q.fill(HEADER_LENGTH);
  if (q.buffered < HEADER_LENGTH) throw new NoiseError('malformed', 'mailbox object: truncated header');
  const salt = checkHeader(q.take(HEADER_LENGTH), inboxKey, context);
  const key = await objectKey(inboxKey, salt, context);
  yield* decryptSegments(key, ciphertextChunks(q), null);
}

/** Opens a whole object; nothing is returned unless every chunk authenticated (§3.4). */
export function openObject(
  inboxKey: Uint8Array,
  context: ObjectContext,
  sealed: Uint8Array,
): Promise<Uint8Array> {
  return collect(openObjectChunks(inboxKey, context, [sealed]));
}

/**
 * §3.1 the key id in a sealed object's header, so a reader holding several inbox keys (after a
 * rotation) picks the one that sealed it; null when the bytes do not begin with a v1 header.
 */
export function sealedKeyId(sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < HEADER_LENGTH || !equalBytes(sealed.subarray(0, 4), MAGIC)) return null;
  return sealed.slice(5, 5 + KEY_ID_LENGTH);
}

/** Size of a sealed object for a plaintext of `length` bytes (§3.3). */
export function sealedLength(length: number): number {
  const segments = Math.max(1, Math.ceil(length / SEGMENT_SIZE));
  return HEADER_LENGTH + length + segments * TAG_LENGTH;
}
