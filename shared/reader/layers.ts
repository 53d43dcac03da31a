// Opening one protection layer for the reader: an OpenPGP message (armored or binary) or a
// native envelope. What the verdict says comes from what the layer itself did (docs/verdicts.md):
// `encrypted` only when openpgp.js decrypted a SEIPD/AEAD packet with one of our keys, never
// because a wrapper (multipart/encrypted, a PGP MESSAGE header) said so.

import { dearmorEnvelope, type OpenOptions, openBytes, type RecipientKeys } from '../envelope/index.ts';
import type { EnvelopeVerdict } from '../envelope/verdict.ts';
import { isNoiseError, NoiseError } from '../errors.ts';
import type { PrivateKey } from '../pgp/index.ts';
import type { KeyInput } from '../pgp/keys.ts';
import { decryptStream } from '../pgp/message.ts';
import type { SignatureVerdict } from '../pgp/verdict.ts';
import type { ReadBudget } from './limits.ts';

/** The envelope keys and open options, passed to shared/envelope/open.ts unchanged. */
export interface EnvelopeKeys {
  /** Each of the user's envelope devices; tried in order ("not for me" from one is not final). */
  recipients: readonly RecipientKeys[];
  options?: OpenOptions;
}

export interface ReaderKeys {
  /** The user's unlocked OpenPGP keys, or where to get them when an encrypted part needs them. */
  decryptionKeys?: readonly PrivateKey[] | (() => Promise<readonly PrivateKey[]>);
  /** Keys that may have signed: contacts, the sender's, the user's own. */
  verificationKeys?: readonly KeyInput[];
  /** Asked only when an envelope is met. */
  envelope?: () => Promise<EnvelopeKeys>;
}

export interface OpenedLayer {
  data: Uint8Array;
  filename: string | null;
  /** Decrypted by one of our keys, with integrity checked (the layer's own word). */
  encrypted: boolean;
  signatures: SignatureVerdict[];
  envelope?: EnvelopeVerdict;
}

const CHUNK = 256 * 1024;

function chunked(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + CHUNK));
      at += CHUNK;
    },
  });
}

function isArmored(bytes: Uint8Array): boolean {
  let i = 0;
  while (
    i < bytes.length &&
    i < 1024 &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  return bytes[i] === 0x2d && bytes[i + 1] === 0x2d && bytes[i + 2] === 0x2d;
}

/**
 * Reads a stream into one buffer of the known length, letting go of each chunk once copied: the
 * plaintext exists once at the end, not as chunks plus a joined copy.
 */
async function collect(stream: ReadableStream<Uint8Array>, byteLength: number): Promise<Uint8Array> {
  const out = new Uint8Array(byteLength);
  let at = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, at);
    at += value.length;
  }
  return at === byteLength ? out : out.subarray(0, at);
}

/**
 * Opens an OpenPGP message. Nothing is returned before the whole message was read, its integrity
 * checked and its signatures settled (shared/pgp/message.ts); any failure throws NoiseError.
 */
export async function openPgp(data: Uint8Array, keys: ReaderKeys, budget: ReadBudget): Promise<OpenedLayer> {
  budget.checkTime();
  const limits = budget.limits;
  const r = await decryptStream(chunked(data), {
    armored: isArmored(data),
    decryptionKeys: keys.decryptionKeys ?? [],
    verificationKeys: keys.verificationKeys ?? [],
    limits: {
      maxSessionKeyAttempts: limits.maxSessionKeyAttempts,
      maxSessionKeyPackets: limits.maxSessionKeyPackets,
      maxDecryptedBytes: limits.maxDecryptedBytes,
      onData: (n) => budget.addDecrypted(n),
    },
  });
  return {
    data: await collect(r.data, r.byteLength),
    filename: r.filename,
    encrypted: r.verdict.encrypted && r.verdict.integrityProtected,
    signatures: r.verdict.signatures,
  };
}

/** Opens a native envelope (armored or binary) with each of the user's envelope devices in turn. */
export async function openEnvelope(
  data: Uint8Array | string,
  keys: ReaderKeys,
  budget: ReadBudget,
): Promise<OpenedLayer> {
  budget.checkTime();
  const given = keys.envelope ? await keys.envelope() : undefined;
  if (!given || given.recipients.length === 0) {
    throw new NoiseError('not_for_me', 'no envelope key to open this envelope with');
  }
  const bytes = typeof data === 'string' ? dearmorEnvelope(data) : data;
  let last: unknown;
  for (const recipient of given.recipients) {
    try {
      const { plaintext, verdict } = await openBytes(bytes, recipient, given.options ?? {});
      budget.addDecrypted(plaintext.length);
      return {
        data: plaintext,
        filename: null,
        encrypted: verdict.encrypted && verdict.integrityProtected,
        signatures: verdict.signatures,
        envelope: verdict,
      };
    } catch (e) {
      if (!isNoiseError(e, 'not_for_me')) throw e;
      last = e;
    }
  }
  throw last;
}
