// §8.2 Opening: find our entry, run X3DH from the recipient side, check the header MAC, decrypt the
// segments, and check the sender's signature over the whole envelope before the last bytes go out.

import { sameAddress } from '../address.ts';
import { concatBytes, equalBytes, toHex } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { TAG_LENGTH } from './aead.ts';
import { abytes } from './assert.ts';
import { ByteQueue } from './byte-queue.ts';
import { ed25519Verify } from './curves.ts';
import { decodeHeader, HEADER_PREFIX_LENGTH, parseHeaderPrefix } from './header.ts';
import type { KeptCopies } from './kept-copy.ts';
import {
  fingerprintHex,
  type IdentitySecret,
  identityKeyId,
  identityPublicKeys,
  type OneTimePrekeySecret,
  type SignedPrekeySecret,
  verifyIdentityAsync,
} from './keys.ts';
import {
  type ByteSource,
  CHUNK_SIZE,
  decryptSegments,
  derivePayloadKey,
  headerMac,
  iterateBytes,
  PayloadDigest,
  type Segment,
  SIGNATURE_LENGTH,
  signatureMessage,
  toReadableStream,
} from './payload.ts';
import type { ReplayStore } from './replay.ts';
import { buildVerdict, type EnvelopeVerdict, type VerdictFacts } from './verdict.ts';
import { unwrapEntry } from './x3dh.ts';

type OneTimePrekeyLookup = (
  id: number,
) => OneTimePrekeySecret | undefined | null | Promise<OneTimePrekeySecret | undefined | null>;

/** The private keys of one recipient device. */
export interface RecipientKeys {
  address: string;
  deviceId: string;
  identity: IdentitySecret;
  /** The current signed prekey and those still in their grace period. */
  signedPrekeys: readonly SignedPrekeySecret[];
  /** Unused one-time prekeys, or a lookup by id (e.g. IndexedDB). */
  oneTimePrekeys: readonly OneTimePrekeySecret[] | OneTimePrekeyLookup;
}

export interface OpenOptions {
  /**
   * §4.5: where opened envelopes are recorded. With one, an envelope opened before is refused
   * with NoiseError('duplicate') (unless `keptCopies` serves it as a re-read, §4.6).
   */
  replayStore?: ReplayStore;
  /**
   * §4.6: copies of what was opened, consulted by `openBytes` before anything is decrypted and
   * written before the envelope is recorded. (The streaming `open` cannot know the envelope's
   * digest in advance, so it neither reads nor writes copies.)
   */
  keptCopies?: KeptCopies;
  /** Unix milliseconds; Date.now by default (the kept copy's firstOpenedAt). */
  now?: () => number;
  /**
   * The fingerprint the directory or keyring holds for the header's sender address (uppercase hex).
   * When it matches, the verdict lists the address as the signer's user ID.
   */
  senderFingerprint?: string;
}

export interface OpenedEnvelope {
  /** Lowercase hex. Known once the header is authenticated (header MAC), before the signature. */
  envelopeId: string;
  senderAddress: string;
  /**
   * Plaintext, in order. The last segment is released only after the signature verified; if
   * anything fails the stream errors with NoiseError, and nothing read so far may be trusted.
   */
  plaintext: ReadableStream<Uint8Array>;
  /** Settles once `plaintext` has been read to its end. */
  verdict: Promise<EnvelopeVerdict>;
}

async function findOneTimePrekey(keys: RecipientKeys, id: number): Promise<OneTimePrekeySecret | undefined> {
  if (typeof keys.oneTimePrekeys === 'function') return (await keys.oneTimePrekeys(id)) ?? undefined;
  return keys.oneTimePrekeys.find((k) => k.id === id);
}

/** §4.2 splits the payload into chunks, keeping SIGNATURE_LENGTH bytes back to find the end. */
async function* payloadChunks(q: ByteQueue, trailer: { signature?: Uint8Array }): AsyncGenerator<Segment> {
  for (let index = 0; ; index++) {
    await q.fill(CHUNK_SIZE + SIGNATURE_LENGTH + 1);
    if (q.buffered > CHUNK_SIZE + SIGNATURE_LENGTH) {
      yield { data: q.take(CHUNK_SIZE), last: false };
      continue;
    }
    const rest = q.buffered;
    if (rest < TAG_LENGTH + SIGNATURE_LENGTH)
      throw new NoiseError('malformed', 'envelope: truncated payload');
    const data = q.take(rest - SIGNATURE_LENGTH);
    // §4.2: an empty final segment is only valid as the sole segment (canonical encoding).
    if (data.length === TAG_LENGTH && index > 0)
      throw new NoiseError('malformed', 'envelope: empty final segment');
    trailer.signature = q.take(SIGNATURE_LENGTH);
    yield { data, last: true };
    return;
  }
}

export function duplicateError(openedAt: number): NoiseError {
  return new NoiseError(
    'duplicate',
    `envelope: already opened on this device (${new Date(openedAt).toISOString()}); a second delivery is not shown`,
  );
}

/**
 * Takes the last segment's plaintext once the signature verified, instead of the stream (which
 * then ends without it); it records the envelope itself.
 */
export type LastSegmentTaker = (facts: VerdictFacts, lastSegment: Uint8Array) => Promise<void>;

/** §4.5: records the envelope; one recorded before is a duplicate. */
export function recordIn(store: ReplayStore | undefined): (facts: VerdictFacts) => Promise<void> {
  return async (facts) => {
    if (!store) return;
    const envelopeId = toHex(facts.envelopeId);
    const fresh = await store.record({
      envelopeId,
      createdAt: facts.createdAt,
      oneTimePrekeyId: facts.oneTimePrekeyId,
    });
    if (!fresh) throw duplicateError((await store.openedAt(envelopeId)) ?? Date.now());
  };
}

/** Opens a binary envelope from a stream; throws 'not_for_me', 'malformed', 'tampered', 'unsupported' or 'duplicate'. */
export function open(
  envelope: ByteSource,
  keys: RecipientKeys,
  opts: OpenOptions = {},
): Promise<OpenedEnvelope> {
  return openWith(envelope, keys, opts);
}

/** open() with a taker for the last segment (open-bytes.ts); not part of the public API. */
export async function openWith(
  envelope: ByteSource,
  keys: RecipientKeys,
  opts: OpenOptions,
  takeLast?: LastSegmentTaker,
): Promise<OpenedEnvelope> {
  const q = new ByteQueue(iterateBytes(envelope));
  await q.fill(HEADER_PREFIX_LENGTH);
  if (q.buffered < HEADER_PREFIX_LENGTH)
    throw new NoiseError('malformed', 'envelope: shorter than its header');
  const prefix = q.take(HEADER_PREFIX_LENGTH);
  const headerLength = parseHeaderPrefix(prefix);
  await q.fill(headerLength - HEADER_PREFIX_LENGTH);
  if (q.buffered < headerLength - HEADER_PREFIX_LENGTH)
    throw new NoiseError('malformed', 'envelope: truncated header');
  const headerBytes = concatBytes(prefix, q.take(headerLength - HEADER_PREFIX_LENGTH));
  const { header, unmacked, mac } = decodeHeader(headerBytes);

  // §2.2: the sender's DH key must carry its signing key's signature.
  if (!(await verifyIdentityAsync(header.sender)))
    throw new NoiseError('tampered', 'envelope: sender identity signature invalid');

  // §8.2 step 3: our entry is the one naming our identity key id, device and address.
  const me = await identityPublicKeys(keys.identity);
  const myKeyId = identityKeyId(me);
  const entry = header.entries.find(
    (e) =>
      equalBytes(e.keyId, myKeyId) && e.deviceId === keys.deviceId && sameAddress(e.address, keys.address),
  );
  if (!entry) throw new NoiseError('not_for_me', 'envelope: no entry for this identity and device');
  const spk = keys.signedPrekeys.find((k) => k.id === entry.signedPrekeyId);
  if (!spk)
    throw new NoiseError('not_for_me', `envelope: signed prekey ${entry.signedPrekeyId} is no longer held`);
  abytes(spk.secret, 32, 'signedPrekey.secret');
  const envelopeId = toHex(header.envelopeId);
  let opk: OneTimePrekeySecret | undefined;
  if (entry.oneTimePrekeyId !== null) {
    opk = await findOneTimePrekey(keys, entry.oneTimePrekeyId);
    if (!opk) {
      // The prekey is deleted after first use (X3DH §3.4): a second open of the same id is a replay.
      const openedAt = (await opts.replayStore?.openedAt(envelopeId)) ?? null;
      if (openedAt !== null) throw duplicateError(openedAt);
      throw new NoiseError(
        'not_for_me',
        `envelope: one-time prekey ${entry.oneTimePrekeyId} is no longer held (used by another envelope, or opened on another device)`,
      );
    }
    abytes(opk.secret, 32, 'oneTimePrekey.secret');
  }

  const ctx = { envelopeId: header.envelopeId, senderAddress: header.senderAddress, sender: header.sender };
  const contentKey = await unwrapEntry(ctx, entry, {
    identity: me,
    identityDhSecret: keys.identity.dhSecret,
    signedPrekeySecret: spk.secret,
    oneTimePrekeySecret: opk?.secret ?? null,
  });
  // §4.1: the header MAC binds every other entry and field to the content key before any plaintext.
  const macOk = equalBytes(headerMac(contentKey, unmacked), mac);
  const payloadKey = await derivePayloadKey(contentKey, header.payloadNonce);
  contentKey.fill(0);
  if (!macOk) throw new NoiseError('tampered', 'envelope: header MAC mismatch');
  // §4.5: the id is authentic now; an envelope opened before is refused before any decryption.
  const openedAt = (await opts.replayStore?.openedAt(envelopeId)) ?? null;
  if (openedAt !== null) throw duplicateError(openedAt);

  const facts: VerdictFacts = {
    envelopeId: header.envelopeId,
    createdAt: header.createdAt,
    senderAddress: header.senderAddress,
    sender: header.sender,
    recipients: header.entries.map((e) => ({
      address: e.address,
      deviceId: e.deviceId,
      keyId: toHex(e.keyId).toUpperCase(),
    })),
    signedPrekeyId: entry.signedPrekeyId,
    oneTimePrekeyId: entry.oneTimePrekeyId,
  };
  const senderConfirmed = opts.senderFingerprint?.toUpperCase() === fingerprintHex(header.sender);

  let settle!: { resolve: (v: EnvelopeVerdict) => void; reject: (e: unknown) => void };
  const verdict = new Promise<EnvelopeVerdict>((resolve, reject) => {
    settle = { resolve, reject };
  });
  verdict.catch(() => {}); // the plaintext stream carries the same error

  async function* plaintextChunks(): AsyncGenerator<Uint8Array> {
    let finished = false;
    try {
      const trailer: { signature?: Uint8Array } = {};
      const digest = new PayloadDigest();
      let pending: Uint8Array | null = null;
      for await (const plain of decryptSegments(payloadKey, payloadChunks(q, trailer), digest)) {
        if (pending) yield pending;
        pending = plain;
      }
      // §4.4: the signature covers the header and every ciphertext chunk.
      const message = signatureMessage(headerBytes, digest.digest());
      const signatureOk = await ed25519Verify(trailer.signature!, message, header.sender.signingKey);
      if (!signatureOk) throw new NoiseError('tampered', 'envelope: sender signature invalid');
      // §8.2: the envelope counts as opened (and its OPK goes) before its last bytes are released.
      const last = pending ?? new Uint8Array(0);
      if (takeLast) await takeLast(facts, last);
      else await recordIn(opts.replayStore)(facts);
      const result = buildVerdict(facts, { senderConfirmed, firstOpenedAt: null });
      finished = true;
      settle.resolve(result);
      if (!takeLast && last.length > 0) yield last;
    } catch (e) {
      settle.reject(e);
      throw e;
    } finally {
      if (!finished)
        settle.reject(new NoiseError('invalid_argument', 'envelope: plaintext not read to the end'));
    }
  }

  return {
    envelopeId,
    senderAddress: header.senderAddress,
    plaintext: toReadableStream(plaintextChunks()),
    verdict,
  };
}
