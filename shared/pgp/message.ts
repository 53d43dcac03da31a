// OpenPGP messages read: decrypt+verify with a structured verdict (encryption is encrypt.ts).
// Plaintext leaves this module only after the whole message was read, its integrity (MDC/AEAD)
// checked and every signature verified: no partial plaintext on any failure (EFAIL). Streamed
// input is decrypted by openpgp.js as it arrives (allowUnauthenticatedStream) into chunks this
// module keeps to itself until the end: one copy of the plaintext, never handed out early.
import {
  AEADEncryptedDataPacket,
  decrypt,
  type Message,
  type PrivateKey,
  readMessage,
  SymEncryptedIntegrityProtectedDataPacket,
  SymmetricallyEncryptedDataPacket,
  verify,
} from 'openpgp';
import { concatBytes, fromUtf8, latin1, utf8 } from '../encoding.ts';
import { isNoiseError, NoiseError } from '../errors.ts';
import { PGP_CONFIG } from './config.ts';
import {
  classifyDecryptError,
  isDecompressionLimit,
  isProgrammingError,
  pruneSessionKeyPackets,
} from './decrypt-guards.ts';
import type { KeyInput } from './keys.ts';
import { readVerificationKeys, signatureVerdicts } from './signatures.ts';
import { emptyVerdict, type Verdict, withFrom } from './verdict.ts';

/** For streamed input only; see open(). allowUnauthenticatedMessages (no MDC at all) stays false. */
const STREAM_CONFIG = { ...PGP_CONFIG, allowUnauthenticatedStream: true };

function configFor(input: Input, limits: DecryptLimits | undefined) {
  const base = typeof input === 'string' || input instanceof Uint8Array ? PGP_CONFIG : STREAM_CONFIG;
  const max = limits?.maxDecryptedBytes;
  return max === undefined ? base : { ...base, maxDecompressedMessageSize: max };
}

export interface DecryptOptions {
  /** Our unlocked private keys, or where to get them once a message turns out to be encrypted. */
  decryptionKeys: readonly PrivateKey[] | (() => Promise<readonly PrivateKey[]>);
  /** Keys that may have signed: the sender's, our own. Unknown signers give 'unknown_key'. */
  verificationKeys?: readonly KeyInput[];
  /** The message's From address, to check the signer against. */
  from?: string | null;
  /** Bounds for hostile input (shared/reader/limits.ts, docs/limits.md). */
  limits?: DecryptLimits;
}

export interface DecryptLimits {
  /** Session key packets that could be ours (our key ID or the wildcard) tried; the rest are dropped. */
  maxSessionKeyAttempts?: number;
  /** PKESK + SKESK packets accepted in one message at all. */
  maxSessionKeyPackets?: number;
  /** Decrypted (and decompressed) bytes accepted; more is `too_large`, not tampering. */
  maxDecryptedBytes?: number;
  /** Called with each plaintext chunk's length as it comes out; may throw to stop reading. */
  onData?: (length: number) => void;
  /**
   * The plaintext's likely size: chunks are then copied into one buffer as they arrive (grown
   * when the guess was short) instead of being kept and joined, so the plaintext exists once.
   */
  sizeHint?: number;
}

export interface DecryptResult {
  data: Uint8Array;
  filename: string | null;
  verdict: Verdict;
}

export interface DecryptStreamResult {
  /**
   * The plaintext, already fully decrypted and verified, as a stream over the chunks kept while
   * reading (no final concatenation; each chunk is dropped here once read).
   */
  data: ReadableStream<Uint8Array>;
  byteLength: number;
  filename: string | null;
  verdict: Verdict;
}

interface Opened {
  chunks: Uint8Array[];
  filename: string | null;
  verdict: Verdict;
}

type Input = string | Uint8Array | ReadableStream<Uint8Array>;

async function parse(input: Input, armoredStream: boolean): Promise<Message<never>> {
  try {
    if (typeof input === 'string')
      return (await readMessage({ armoredMessage: input, config: PGP_CONFIG })) as never;
    if (input instanceof Uint8Array) {
      // Armored text handed over as bytes is accepted too.
      const looksArmored = input.length > 10 && latin1(input.subarray(0, 5)) === '-----';
      return looksArmored
        ? ((await readMessage({ armoredMessage: fromUtf8(input), config: PGP_CONFIG })) as never)
        : ((await readMessage({ binaryMessage: input, config: PGP_CONFIG })) as never);
    }
    if (armoredStream) {
      return (await readMessage({
        armoredMessage: input.pipeThrough(
          new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>,
        ),
        config: PGP_CONFIG,
      })) as never;
    }
    return (await readMessage({ binaryMessage: input, config: PGP_CONFIG })) as never;
  } catch (cause) {
    throw new NoiseError('malformed', 'not a readable OpenPGP message', { cause });
  }
}

/** Reads openpgp.js output to its end (which runs the MDC/AEAD check) into a list of chunks. */
async function readChunks(data: unknown, limits?: DecryptLimits): Promise<Uint8Array[]> {
  const onData = limits?.onData;
  if (data instanceof Uint8Array) {
    onData?.(data.length);
    return [data];
  }
  if (typeof data === 'string') return readChunks(utf8(data), limits);
  const chunks: Uint8Array[] = [];
  let buffer = limits?.sizeHint === undefined ? undefined : new Uint8Array(Math.max(1024, limits.sizeHint));
  let used = 0;
  const reader = (data as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length === 0) continue;
      onData?.(value.length);
      if (!buffer) {
        chunks.push(value);
        continue;
      }
      if (used + value.length > buffer.length) {
        const grown = new Uint8Array(Math.max(used + value.length, Math.ceil(buffer.length * 1.5)));
        grown.set(buffer.subarray(0, used));
        buffer = grown;
      }
      buffer.set(value, used);
      used += value.length;
    }
  } catch (e) {
    // Stop openpgp.js from reading (and decompressing) further once we gave up.
    reader.cancel().catch(() => {});
    throw e;
  }
  return buffer ? [buffer.subarray(0, used)] : chunks;
}

function joined(chunks: Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? chunks[0]! : concatBytes(...chunks);
}

/** A stream over verified chunks that lets go of each one as it is read. */
function verifiedStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next === chunks.length) return controller.close();
      controller.enqueue(chunks[next]!);
      chunks[next++] = EMPTY;
    },
    cancel() {
      chunks.length = 0;
    },
  });
}

const EMPTY = new Uint8Array(0);

async function open(input: Input, options: DecryptOptions, armoredStream: boolean): Promise<Opened> {
  const message = await parse(input, armoredStream);
  const packets = message.packets as unknown as readonly unknown[];
  // RFC 9580 §5.7: Symmetrically Encrypted Data (tag 9) has no MDC; EFAIL showed why it must go.
  if (packets.some((p) => p instanceof SymmetricallyEncryptedDataPacket)) {
    throw new NoiseError(
      'no_integrity',
      'the message has no integrity protection (Symmetrically Encrypted Data)',
    );
  }
  const encrypted = packets.some(
    (p) => p instanceof SymEncryptedIntegrityProtectedDataPacket || p instanceof AEADEncryptedDataPacket,
  );
  const keys = await readVerificationKeys(options.verificationKeys);
  const from = options.from ?? null;
  // Asked for outside the try below: whatever the key source throws (locked, or a bug) is its
  // own error, not something about the message.
  let decryptionKeys: readonly PrivateKey[] = [];
  if (encrypted) {
    decryptionKeys =
      typeof options.decryptionKeys === 'function' ? await options.decryptionKeys() : options.decryptionKeys;
  }
  try {
    if (encrypted) {
      if (decryptionKeys.length === 0) throw new NoiseError('not_for_me', 'no decryption key given');
      if (decryptionKeys.some((k) => !k.isDecrypted())) {
        throw new NoiseError('invalid_argument', 'a decryption key is still locked: unlock it first');
      }
      pruneSessionKeyPackets(message, decryptionKeys, options.limits);
      const result = await decrypt({
        message,
        decryptionKeys: [...decryptionKeys],
        verificationKeys: keys,
        format: 'binary',
        // Streamed input: openpgp.js then releases plaintext before the MDC is checked (otherwise
        // it buffers all of it, and the ciphertext, first). It only reaches readChunks below,
        // which throws on a failed check; nothing leaves open() before that and the signatures.
        config: configFor(input, options.limits),
      });
      // Reading to the end runs the MDC/AEAD check; only then are signatures settled.
      const chunks = await readChunks(result.data, options.limits);
      const signatures = await signatureVerdicts(result.signatures, keys, from);
      const verdict = withFrom(
        { ...emptyVerdict('pgp'), encrypted: true, integrityProtected: true, signatures },
        from,
      );
      return { chunks, filename: result.filename || null, verdict };
    }
    // A signed (or bare literal) message without encryption.
    const result = await verify({
      message,
      verificationKeys: keys,
      format: 'binary',
      config: configFor(input, options.limits),
    });
    const chunks = await readChunks(result.data, options.limits);
    const signatures = await signatureVerdicts(result.signatures, keys, from);
    const literal = (message as unknown as { getFilename(): string | null }).getFilename();
    return {
      chunks,
      filename: literal || null,
      verdict: withFrom({ ...emptyVerdict('pgp'), signatures }, from),
    };
  } catch (cause) {
    if (isProgrammingError(cause)) throw cause;
    if (!encrypted) {
      if (isNoiseError(cause)) throw cause;
      if (isDecompressionLimit(cause)) {
        throw new NoiseError('too_large', 'the message decompresses to more than the limit', { cause });
      }
      throw new NoiseError('malformed', 'the OpenPGP message could not be read', { cause });
    }
    throw classifyDecryptError(cause, message, decryptionKeys);
  }
}

/** Decrypts and verifies a whole message (armored string, or binary or armored bytes). */
export async function decryptMessage(
  input: string | Uint8Array,
  options: DecryptOptions,
): Promise<DecryptResult> {
  const { chunks, ...rest } = await open(input, options, false);
  return { data: joined(chunks), ...rest };
}

/**
 * Decrypts a streamed message into one buffer (with `limits.sizeHint`, written as it arrives):
 * returned only once the stream ended and all checks passed, like decryptStream.
 */
export async function decryptStreamToBytes(
  input: ReadableStream<Uint8Array>,
  options: DecryptOptions & { armored?: boolean },
): Promise<DecryptResult> {
  const { chunks, ...rest } = await open(input, options, options.armored === true);
  return { data: joined(chunks), ...rest };
}

/**
 * Decrypts a streamed message. The plaintext is collected and returned only once the stream ended
 * and all checks passed (the promise rejects otherwise, with no data); peak memory is about one
 * plaintext, as chunks, plus openpgp.js's working buffers.
 */
export async function decryptStream(
  input: ReadableStream<Uint8Array>,
  options: DecryptOptions & { armored?: boolean },
): Promise<DecryptStreamResult> {
  const { chunks, ...rest } = await open(input, options, options.armored === true);
  const byteLength = chunks.reduce((n, c) => n + c.length, 0);
  return { data: verifiedStream(chunks), byteLength, ...rest };
}
