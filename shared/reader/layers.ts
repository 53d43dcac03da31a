// Opening one protection layer for the reader: an OpenPGP message (armored or binary) or a
// native envelope. What the verdict says comes from what the layer itself did (docs/verdicts.md):
// `encrypted` only when openpgp.js decrypted a SEIPD/AEAD packet with one of our keys, never
// because a wrapper (multipart/encrypted, a PGP MESSAGE header) said so.

import { dearmorEnvelope, type OpenOptions, openBytes, type RecipientKeys } from '../envelope/index.ts';
import type { EnvelopeVerdict } from '../envelope/verdict.ts';
import { isNoiseError, NoiseError } from '../errors.ts';
import type { PrivateKey } from '../pgp/index.ts';
import type { KeyInput } from '../pgp/keys.ts';
import { decryptStreamToBytes } from '../pgp/message.ts';
import type { SignatureVerdict } from '../pgp/verdict.ts';
import { Base64Decoder } from './body-decoding.ts';
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
  /**
   * `data` is a buffer made for this read alone, which the reader may overwrite as it walks it
   * (shared/reader/mime-walk.ts). Not for envelopes: their plaintext may be a kept copy.
   */
  ownBuffer?: boolean;
}

/**
 * The pieces openpgp.js is fed. Each piece passes through four or five short-lived copies inside
 * openpgp.js (CFB output, MDC and packet slicing), freed by the engine's young-generation
 * collections, which come as often as new space fills with the small objects each piece makes:
 * the smaller the pieces, the less garbage between collections. Measured on a 25 MB mail (Node
 * 22): 16 KiB pieces peak at 2.4x its size, 256 KiB pieces at 3.1–3.9x (docs/limits.md, Memory),
 * for about 0.1 s more CPU.
 */
const CHUNK = 16 * 1024;

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

/**
 * The binary packets of an armored OpenPGP message (RFC 9580 §6.2), decoded straight from the
 * bytes as a stream: the BEGIN line, armor headers up to the blank line, base64 up to the first `=`
 * (padding or the CRC-24 line, which RFC 9580 §6.1 says not to check; MDC/AEAD check every
 * byte). Done here rather than by openpgp.js's string-based unarmor, which held several copies
 * of a 25 MB message at once.
 */
function dearmored(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = bytes.indexOf(0x2d);
  at = bytes.indexOf(0x0a, at) + 1; // past the BEGIN line
  // Armor headers (`Key: value`), then blank lines; a producer may leave the blank line out.
  for (;;) {
    if (at <= 0 || at >= bytes.length) break;
    const lf = bytes.indexOf(0x0a, at);
    const end = lf < 0 ? bytes.length : lf;
    const line = bytes.subarray(at, end);
    const blank = line.every((c) => c === 0x20 || c === 0x09 || c === 0x0d);
    if (!blank && !line.includes(0x3a)) break;
    at = end + 1;
  }
  let stop = bytes.indexOf(0x2d, at); // the END line's dashes (base64 has none)
  if (stop < 0) stop = bytes.length;
  // Decoded as openpgp.js pulls it: the binary message never exists whole.
  const decoder = new Base64Decoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= stop) return controller.close();
      const next = Math.min(stop, at + CHUNK);
      controller.enqueue(decoder.push(bytes.subarray(at, next)));
      at = next;
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
 * Opens an OpenPGP message. Nothing is returned before the whole message was read, its integrity
 * checked and its signatures settled (shared/pgp/message.ts); any failure throws NoiseError.
 */
export async function openPgp(data: Uint8Array, keys: ReaderKeys, budget: ReadBudget): Promise<OpenedLayer> {
  budget.checkTime();
  const limits = budget.limits;
  const armored = isArmored(data);
  const r = await decryptStreamToBytes(armored ? dearmored(data) : chunked(data), {
    decryptionKeys: keys.decryptionKeys ?? [],
    verificationKeys: keys.verificationKeys ?? [],
    limits: {
      maxSessionKeyAttempts: limits.maxSessionKeyAttempts,
      maxSessionKeyPackets: limits.maxSessionKeyPackets,
      maxDecryptedBytes: limits.maxDecryptedBytes,
      onData: (n) => budget.addDecrypted(n),
      // Uncompressed plaintext is a little smaller than the ciphertext (base64: 3 bytes in 4).
      sizeHint: Math.min(limits.maxDecryptedBytes, armored ? Math.ceil((data.length * 3) / 4) : data.length),
    },
  });
  return {
    data: r.data,
    filename: r.filename,
    encrypted: r.verdict.encrypted && r.verdict.integrityProtected,
    signatures: r.verdict.signatures,
    // With a size hint, decryptStreamToBytes returns a buffer of its own, never a view of `data`.
    ownBuffer: true,
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
