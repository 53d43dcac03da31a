// OpenPGP encryption (RFC 9580 §5.1, §5.13): to every recipient and, unless told otherwise, to
// the signer too, signed by default; text is carried as UTF-8 bytes (a binary literal) so what is
// signed is exactly what the reader gets. Decryption is message.ts.

import {
  createMessage,
  encrypt,
  generateSessionKey,
  type Message,
  type PrivateKey,
  type PublicKey,
  type SessionKey,
} from 'openpgp';
import { utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { PGP_CONFIG } from './config.ts';
import { assertEncryptionKey, type KeyInput } from './keys.ts';

export interface EncryptOptions {
  /** Recipients' public keys. The sender's own key is added when `signingKey` is given. */
  recipients: readonly KeyInput[];
  /** The sender's unlocked private key: signs the message and receives a copy. */
  signingKey?: PrivateKey;
  /** Sign with `signingKey` (default true). */
  sign?: boolean;
  /** Add the sender's own key as a recipient (default true), so Sent mail stays readable. */
  encryptToSelf?: boolean;
  /** File name carried in the literal data packet, for attachments. */
  filename?: string;
  /** Creation time for literal data and signatures (tests). */
  date?: Date;
}

async function recipientKeys(options: EncryptOptions): Promise<PublicKey[]> {
  const keys: PublicKey[] = [];
  const seen = new Set<string>();
  const add = (k: PublicKey) => {
    const fp = k.getFingerprint();
    if (!seen.has(fp)) {
      seen.add(fp);
      keys.push(k);
    }
  };
  for (const r of options.recipients) add(await assertEncryptionKey(r));
  if (options.signingKey && options.encryptToSelf !== false)
    add(await assertEncryptionKey(options.signingKey));
  if (keys.length === 0) throw new NoiseError('invalid_argument', 'no recipient to encrypt to');
  return keys;
}

/**
 * openpgp.js picks SEIPDv2 (AEAD) when every recipient key advertises it. gpg 2.2 and sq 0.27
 * cannot read SEIPDv2, and v4 keys are theirs: for any v4 recipient we force SEIPDv1 with MDC.
 */
async function sessionKeyFor(keys: PublicKey[], date: Date | undefined): Promise<SessionKey> {
  const sk = await generateSessionKey({
    encryptionKeys: keys,
    ...(date ? { date } : {}),
    config: PGP_CONFIG,
  });
  if (sk.aeadAlgorithm && keys.some((k) => k.keyPacket.version < 6)) {
    return { data: sk.data, algorithm: sk.algorithm };
  }
  return sk;
}

async function encryptAny(
  message: Message<never>,
  options: EncryptOptions,
  format: 'armored' | 'binary',
): Promise<unknown> {
  const keys = await recipientKeys(options);
  const signing = options.sign !== false && options.signingKey ? { signingKeys: options.signingKey } : {};
  return encrypt({
    message,
    encryptionKeys: keys,
    ...signing,
    sessionKey: await sessionKeyFor(keys, options.date),
    format,
    ...(options.date ? { date: options.date } : {}),
    config: PGP_CONFIG,
  } as never);
}

async function literalOf(data: string | Uint8Array | ReadableStream<Uint8Array>, options: EncryptOptions) {
  const extra = {
    ...(options.filename ? { filename: options.filename } : {}),
    ...(options.date ? { date: options.date } : {}),
  };
  // Text is carried as UTF-8 bytes (binary literal): what we sign is exactly what the reader gets.
  const binary = typeof data === 'string' ? utf8(data) : data;
  return (await createMessage({ binary, ...extra } as never)) as Message<never>;
}

/** Encrypts (and by default signs) text or bytes. Armored output has lines of 64 characters. */
export async function encryptMessage(
  data: string | Uint8Array,
  options: EncryptOptions & { armor?: true },
): Promise<string>;
export async function encryptMessage(
  data: string | Uint8Array,
  options: EncryptOptions & { armor: false },
): Promise<Uint8Array>;
export async function encryptMessage(
  data: string | Uint8Array,
  options: EncryptOptions & { armor?: boolean },
): Promise<string | Uint8Array> {
  const message = await literalOf(data, options);
  return (await encryptAny(message, options, options.armor === false ? 'binary' : 'armored')) as
    | string
    | Uint8Array;
}

/**
 * Streaming encryption for big inputs: openpgp.js processes the stream chunk by chunk, so memory
 * stays near the chunk size plus the output the caller keeps. Armored output is UTF-8 bytes.
 */
export async function encryptStream(
  data: ReadableStream<Uint8Array>,
  options: EncryptOptions & { armor?: boolean },
): Promise<ReadableStream<Uint8Array>> {
  const message = await literalOf(data, options);
  if (options.armor) {
    const armored = (await encryptAny(message, options, 'armored')) as ReadableStream<string>;
    return armored.pipeThrough(new TextEncoderStream());
  }
  return (await encryptAny(message, options, 'binary')) as ReadableStream<Uint8Array>;
}
