// §8.2 Opening: find our entry, run X3DH from the recipient side, check the header MAC, decrypt the
// segments, and check the sender's signature over the whole envelope before the last bytes go out.

import { concatBytes, equalBytes, toHex } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { TAG_LENGTH } from './aead.ts';
import { abytes } from './assert.ts';
import { ByteQueue } from './byte-queue.ts';
import { ed25519Verify } from './curves.ts';
import { decodeHeader, HEADER_PREFIX_LENGTH, parseHeaderPrefix } from './header.ts';
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
import { buildVerdict, type EnvelopeVerdict } from './verdict.ts';
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
  /** §4.5: where opened envelope ids are recorded; without one, `duplicate` is always false. */
  replayStore?: ReplayStore;
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

/** Opens a binary envelope from a stream; throws 'not_for_me', 'malformed', 'tampered', 'unsupported' or 'duplicate'. */
export async function open(
  envelope: ByteSource,
  keys: RecipientKeys,
  opts: OpenOptions = {},
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
      equalBytes(e.keyId, myKeyId) &&
      e.deviceId === keys.deviceId &&
      e.address.toLowerCase() === keys.address.toLowerCase(),
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
      if (await opts.replayStore?.has(envelopeId))
        throw new NoiseError('duplicate', 'envelope: already opened');
      throw new NoiseError(
        'not_for_me',
        `envelope: one-time prekey ${entry.oneTimePrekeyId} is no longer held`,
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
      const fresh = opts.replayStore ? await opts.replayStore.record(envelopeId, header.createdAt) : true;
      const result = buildVerdict({
        envelopeId: header.envelopeId,
        createdAt: header.createdAt,
        senderAddress: header.senderAddress,
        sender: header.sender,
        senderConfirmed: opts.senderFingerprint?.toUpperCase() === fingerprintHex(header.sender),
        recipients: header.entries.map((e) => ({
          address: e.address,
          deviceId: e.deviceId,
          keyId: toHex(e.keyId).toUpperCase(),
        })),
        signedPrekeyId: entry!.signedPrekeyId,
        oneTimePrekeyId: entry!.oneTimePrekeyId,
        duplicate: !fresh,
      });
      finished = true;
      settle.resolve(result);
      if (pending && pending.length > 0) yield pending;
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

/** Opens an envelope held in memory; the plaintext is written into one buffer of its exact size. */
export async function openBytes(
  envelope: Uint8Array,
  keys: RecipientKeys,
  opts: OpenOptions = {},
): Promise<{ plaintext: Uint8Array; verdict: EnvelopeVerdict }> {
  abytes(envelope, undefined, 'envelope');
  const opened = await open([envelope], keys, opts);
  const payload = envelope.length - parseHeaderPrefix(envelope) - SIGNATURE_LENGTH;
  const size = Math.max(0, payload - Math.max(1, Math.ceil(payload / CHUNK_SIZE)) * TAG_LENGTH);
  const out = new Uint8Array(size);
  let offset = 0;
  for await (const chunk of iterateBytes(opened.plaintext)) {
    if (offset + chunk.length > out.length)
      throw new NoiseError('malformed', 'envelope: payload size mismatch');
    out.set(chunk, offset);
    offset += chunk.length;
  }
  const verdict = await opened.verdict;
  return { plaintext: offset === out.length ? out : out.subarray(0, offset), verdict };
}
