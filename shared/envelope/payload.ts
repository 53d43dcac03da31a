// §4 Payload: STREAM-style segmented AES-256-GCM (after age's payload, Hoang–Reyhanitabar–Rogaway–
// Vizár 2015), the per-segment digests the signature covers, and the byte framing helpers.

import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { aesGcmOpen, aesGcmSeal, bufferSource, importAesKey, NONCE_LENGTH, TAG_LENGTH } from './aead.ts';
import { LABEL_HEADER_MAC, LABEL_PAYLOAD, LABEL_PAYLOAD_DIGEST, LABEL_SIGNATURE } from './labels.ts';

/** §4.2 plaintext bytes per segment (the last one may be shorter). */
export const SEGMENT_SIZE = 256 * 1024;
export const CHUNK_SIZE = SEGMENT_SIZE + TAG_LENGTH;
export const SIGNATURE_LENGTH = 64;
/** Segments in flight: WebCrypto runs them on other threads (Node's pool, the browser's). */
const WINDOW = 8;
/** §4.2: the counter is kept below 2^32 segments (256 TiB), far above any mail. */
const MAX_SEGMENTS = 0xffffffff;

export type ByteSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** §4.1 payload key = HKDF-SHA256(ikm = content key, salt = payload nonce, info = LABEL_PAYLOAD). */
export function derivePayloadKey(contentKey: Uint8Array, payloadNonce: Uint8Array): Promise<CryptoKey> {
  const raw = hkdf(sha256, contentKey, payloadNonce, utf8(LABEL_PAYLOAD), 32);
  const key = importAesKey(raw);
  raw.fill(0);
  return key;
}

/** §4.1 header MAC = HMAC-SHA256(HKDF-SHA256(ikm = content key, salt = "", info = LABEL_HEADER_MAC), header). */
export function headerMac(contentKey: Uint8Array, unmackedHeader: Uint8Array): Uint8Array {
  const macKey = hkdf(sha256, contentKey, new Uint8Array(0), utf8(LABEL_HEADER_MAC), 32);
  const mac = hmac(sha256, macKey, unmackedHeader);
  macKey.fill(0);
  return mac;
}

/** §4.2 nonce = 88-bit big-endian segment counter ‖ last-segment flag byte. */
export function segmentNonce(counter: number, last: boolean): Uint8Array {
  if (counter > MAX_SEGMENTS) throw new NoiseError('invalid_argument', 'payload: too many segments');
  const nonce = new Uint8Array(NONCE_LENGTH);
  new DataView(nonce.buffer).setUint32(7, counter);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** §4.3 D = SHA-256(LABEL_PAYLOAD_DIGEST ‖ 0x00 ‖ SHA-256(chunk_0) ‖ … ‖ SHA-256(chunk_n-1)). */
export class PayloadDigest {
  private readonly hash = sha256
    .create()
    .update(utf8(LABEL_PAYLOAD_DIGEST))
    .update(new Uint8Array([0]));
  absorb(chunkDigest: Uint8Array): void {
    this.hash.update(chunkDigest);
  }
  digest(): Uint8Array {
    return this.hash.digest();
  }
}

export interface Segment {
  data: Uint8Array;
  last: boolean;
}

/** Reads any byte source chunk by chunk; a ReadableStream through its reader (Chrome lacks async iteration). */
export async function* iterateBytes(source: ByteSource): AsyncGenerator<Uint8Array> {
  // Duck-typed: a stream from another realm (frame, worker) fails instanceof.
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (!(value instanceof Uint8Array))
          throw new NoiseError('invalid_argument', 'stream chunks must be Uint8Array');
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    if (!(chunk instanceof Uint8Array))
      throw new NoiseError('invalid_argument', 'stream chunks must be Uint8Array');
    yield chunk;
  }
}

/** §4.2 cuts plaintext into SEGMENT_SIZE pieces and marks the last; an empty input gives one empty segment. */
export async function* segmentPlaintext(source: ByteSource): AsyncGenerator<Segment> {
  let held: Uint8Array | null = null; // a full segment waiting to learn whether it is the last
  let fill = new Uint8Array(SEGMENT_SIZE);
  let filled = 0;
  for await (const chunk of iterateBytes(source)) {
    let offset = 0;
    while (offset < chunk.length) {
      if (held) {
        yield { data: held, last: false };
        held = null;
      }
      if (filled === 0 && chunk.length - offset >= SEGMENT_SIZE) {
        held = chunk.subarray(offset, offset + SEGMENT_SIZE); // aligned: no copy
        offset += SEGMENT_SIZE;
        continue;
      }
      const n = Math.min(SEGMENT_SIZE - filled, chunk.length - offset);
      fill.set(chunk.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === SEGMENT_SIZE) {
        held = fill;
        fill = new Uint8Array(SEGMENT_SIZE);
        filled = 0;
      }
    }
  }
  if (held && filled === 0) {
    yield { data: held, last: true };
    return;
  }
  if (held) yield { data: held, last: false };
  yield { data: fill.subarray(0, filled), last: true };
}

/** Runs `work` over the items with up to WINDOW in flight, yielding results in order. */
async function* windowed<T, R>(
  items: AsyncIterable<T>,
  work: (item: T, index: number) => Promise<R>,
): AsyncGenerator<R> {
  const queue: Promise<R>[] = [];
  let index = 0;
  for await (const item of items) {
    const p = work(item, index++);
    p.catch(() => {}); // observed when dequeued; avoids an unhandled rejection meanwhile
    queue.push(p);
    if (queue.length >= WINDOW) yield await queue.shift()!;
  }
  while (queue.length > 0) yield await queue.shift()!;
}

async function sha256Native(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bufferSource(bytes)));
}

/**
 * §4.2 sealing: yields ciphertext chunks in order and absorbs their digests. `null` for a payload
 * nothing signs (mailbox objects, docs/spec/mailbox-v1.md §3.3): no digest is computed then.
 */
export async function* encryptSegments(
  key: CryptoKey,
  segments: AsyncIterable<Segment>,
  digest: PayloadDigest | null,
): AsyncGenerator<Uint8Array> {
  const results = windowed(segments, async (seg, i) => {
    const chunk = await aesGcmSeal(key, segmentNonce(i, seg.last), seg.data);
    return { chunk, d: digest ? await sha256Native(chunk) : null };
  });
  for await (const { chunk, d } of results) {
    if (d) digest?.absorb(d);
    yield chunk;
  }
}

/** §4.2 opening: decrypts chunks in order; a failed tag is 'tampered' (truncation, reordering, flips). */
export async function* decryptSegments(
  key: CryptoKey,
  chunks: AsyncIterable<Segment>,
  digest: PayloadDigest | null,
): AsyncGenerator<Uint8Array> {
  const results = windowed(chunks, async (c, i) => {
    const [plaintext, d] = await Promise.all([
      aesGcmOpen(key, segmentNonce(i, c.last), c.data, undefined, `payload segment ${i}`),
      digest ? sha256Native(c.data) : null,
    ]);
    return { plaintext, d };
  });
  for await (const { plaintext, d } of results) {
    if (d) digest?.absorb(d);
    yield plaintext;
  }
}

/** Ciphertext size of a payload: every segment carries a 16-byte tag; an empty payload is one segment. */
export function payloadLength(plaintextLength: number): number {
  const segments = Math.max(1, Math.ceil(plaintextLength / SEGMENT_SIZE));
  return plaintextLength + segments * TAG_LENGTH;
}

/** §4.4 the signed message: LABEL_SIGNATURE ‖ 0x00 ‖ SHA-256(header) ‖ D. */
export function signatureMessage(header: Uint8Array, payloadDigest: Uint8Array): Uint8Array {
  const label = utf8(LABEL_SIGNATURE);
  const out = new Uint8Array(label.length + 1 + 64);
  out.set(label);
  out.set(sha256(header), label.length + 1);
  out.set(payloadDigest, label.length + 33);
  return out;
}

/** A pull-based ReadableStream over an async generator (backpressure: one chunk per pull). */
export function toReadableStream(gen: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await gen.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await gen.return(undefined);
    },
  });
}
