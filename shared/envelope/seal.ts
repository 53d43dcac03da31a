// §8.1 Sealing: one content key, one entry per recipient device plus the sender's own copy,
// the header MAC, the segmented payload and the sender's signature over all of it.

import { concatBytes } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { aaddress, abytes, adeviceId, atimestamp } from './assert.ts';
import { ed25519Sign } from './curves.ts';
import { type EnvelopeHeader, encodeHeaderUnmacked, MAX_RECIPIENTS } from './header.ts';
import type { RecipientBundle } from './identity.ts';
import {
  type IdentitySecret,
  identityKeyId,
  publicIdentityAsync,
  publicSignedPrekeyAsync,
  type SignedPrekeySecret,
} from './keys.ts';
import {
  type ByteSource,
  derivePayloadKey,
  encryptSegments,
  headerMac,
  PayloadDigest,
  payloadLength,
  SIGNATURE_LENGTH,
  segmentPlaintext,
  signatureMessage,
  toReadableStream,
} from './payload.ts';
import { type RandomSource, webRandom } from './random.ts';
import { type RecipientEntry, wrapForRecipient } from './x3dh.ts';

export interface EnvelopeSender {
  address: string;
  /** The sending device; its own copy is addressed to it. '' for a single-device account. */
  deviceId: string;
  identity: IdentitySecret;
  /** The sender's current signed prekey: the sender's copy is wrapped to it (§3.6). */
  signedPrekey: SignedPrekeySecret;
}

export interface SealOptions {
  /** Injected randomness for known-answer vectors; WebCrypto by default. */
  random?: RandomSource;
  /** Unix seconds; now by default. */
  createdAt?: number;
  /** §3.6: wrap a copy for the sender's own device (default true). */
  senderCopy?: boolean;
}

interface PreparedSeal {
  header: Uint8Array;
  payloadKey: CryptoKey;
  signingSecret: Uint8Array;
}

function entryKey(e: Pick<RecipientEntry, 'keyId' | 'deviceId' | 'address'>): string {
  return `${e.keyId.join(',')} ${e.deviceId} ${e.address}`;
}

async function prepareSeal(
  sender: EnvelopeSender,
  recipients: readonly RecipientBundle[],
  opts: SealOptions,
): Promise<PreparedSeal> {
  aaddress(sender.address, 'sender.address');
  adeviceId(sender.deviceId, 'sender.deviceId');
  const random = opts.random ?? webRandom;
  const createdAt = opts.createdAt ?? Math.floor(Date.now() / 1000);
  atimestamp(createdAt, 'createdAt');
  const senderPublic = await publicIdentityAsync(sender.identity);
  const bundles: RecipientBundle[] = [];
  if (opts.senderCopy !== false) {
    bundles.push({
      address: sender.address,
      deviceId: sender.deviceId,
      identity: senderPublic,
      signedPrekey: await publicSignedPrekeyAsync(sender.identity, sender.signedPrekey),
    });
  }
  const seen = new Set(bundles.map((b) => entryKey({ ...b, keyId: identityKeyId(b.identity) })));
  for (const [i, b] of recipients.entries()) {
    aaddress(b.address, `recipients[${i}].address`);
    adeviceId(b.deviceId, `recipients[${i}].deviceId`);
    const key = entryKey({ ...b, keyId: identityKeyId(b.identity) });
    if (seen.has(key)) {
      // The sender's own device may be listed by the directory too: its copy already exists.
      if (b.address === sender.address && b.deviceId === sender.deviceId) continue;
      throw new NoiseError('invalid_argument', `recipients[${i}]: listed twice`);
    }
    seen.add(key);
    bundles.push(b);
  }
  if (bundles.length === 0) throw new NoiseError('invalid_argument', 'recipients: none');
  if (bundles.length > MAX_RECIPIENTS) throw new NoiseError('invalid_argument', 'recipients: too many');

  // §8.1 order of randomness (fixed so vectors reproduce): content key, envelope id, payload nonce, EKs.
  const contentKey = random(32);
  const envelopeId = random(16);
  const payloadNonce = random(16);
  abytes(contentKey, 32, 'random(32)');
  abytes(envelopeId, 16, 'random(16)');
  abytes(payloadNonce, 16, 'random(16)');
  const ctx = { envelopeId, senderAddress: sender.address, sender: senderPublic };
  const ephemeralSecrets = bundles.map(() => random(32));
  // Entries are independent: their WebCrypto work runs concurrently, in a fixed output order.
  const entries: RecipientEntry[] = await Promise.all(
    bundles.map((b, i) => {
      const ownCopy = i === 0 && opts.senderCopy !== false;
      return wrapForRecipient(ctx, sender.identity.dhSecret, b, contentKey, ephemeralSecrets[i]!, ownCopy);
    }),
  );
  const h: EnvelopeHeader = {
    envelopeId,
    createdAt,
    payloadNonce,
    senderAddress: sender.address,
    sender: senderPublic,
    entries,
  };
  const unmacked = encodeHeaderUnmacked(h);
  const header = concatBytes(unmacked, headerMac(contentKey, unmacked));
  const payloadKey = await derivePayloadKey(contentKey, payloadNonce);
  contentKey.fill(0);
  return { header, payloadKey, signingSecret: sender.identity.signingSecret };
}

async function* sealChunks(prepared: PreparedSeal, plaintext: ByteSource): AsyncGenerator<Uint8Array> {
  yield prepared.header;
  const digest = new PayloadDigest();
  yield* encryptSegments(prepared.payloadKey, segmentPlaintext(plaintext), digest);
  yield await ed25519Sign(signatureMessage(prepared.header, digest.digest()), prepared.signingSecret);
}

/** Seals a stream of plaintext into a stream of binary envelope bytes (header, segments, signature). */
export async function seal(
  plaintext: ByteSource,
  sender: EnvelopeSender,
  recipients: readonly RecipientBundle[],
  opts: SealOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const prepared = await prepareSeal(sender, recipients, opts);
  return toReadableStream(sealChunks(prepared, plaintext));
}

/** Seals bytes in memory; the result is written into one buffer of its exact final size. */
export async function sealBytes(
  plaintext: Uint8Array,
  sender: EnvelopeSender,
  recipients: readonly RecipientBundle[],
  opts: SealOptions = {},
): Promise<Uint8Array> {
  abytes(plaintext, undefined, 'plaintext');
  const prepared = await prepareSeal(sender, recipients, opts);
  const out = new Uint8Array(prepared.header.length + payloadLength(plaintext.length) + SIGNATURE_LENGTH);
  let offset = 0;
  for await (const chunk of sealChunks(prepared, [plaintext])) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  if (offset !== out.length) throw new Error('sealBytes: length accounting is wrong');
  return out;
}
