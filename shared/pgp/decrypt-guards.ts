// What a hostile OpenPGP message may cost, and what its failure is called: session key packets
// bounded before openpgp.js tries them, and a failed decryption named for the reader (not for me,
// no integrity, tampered, too large) from the message and our keys, never from guesswork.

import {
  type KeyID,
  type Message,
  type PrivateKey,
  PublicKeyEncryptedSessionKeyPacket,
  SymEncryptedSessionKeyPacket,
} from 'openpgp';
import { isNoiseError, NoiseError } from '../errors.ts';
import type { DecryptLimits } from './message.ts';

export function classifyDecryptError(
  cause: unknown,
  message: Message<never>,
  keys: readonly PrivateKey[],
): NoiseError {
  if (isNoiseError(cause)) return cause;
  if (isDecompressionLimit(cause)) {
    return new NoiseError('too_large', 'the message decompresses to more than the limit', { cause });
  }
  const wanted = message.getEncryptionKeyIDs();
  const ours = keys.flatMap((k) => k.getKeyIDs());
  if (wanted.length === 0) {
    return new NoiseError('not_for_me', 'the message is encrypted to a password, not to a key', { cause });
  }
  const wildcard = wanted.some((id) => /^0+$/.test(id.toHex()));
  if (!wildcard && !wanted.some((w) => ours.some((o) => o.equals(w)))) {
    return new NoiseError('not_for_me', 'the message is not encrypted to any of our keys', { cause });
  }
  const text = cause instanceof Error ? cause.message : '';
  if (/not authenticated|unauthenticated|symmetrically encrypted/i.test(text)) {
    return new NoiseError('no_integrity', 'the message has no integrity protection', { cause });
  }
  return new NoiseError('tampered', 'the message failed decryption or its integrity check', { cause });
}

export function isDecompressionLimit(cause: unknown): boolean {
  return cause instanceof Error && /decompressed message size exceeded/i.test(cause.message);
}

/**
 * Our own mistakes (a TypeError in code we wrote) are not the input's fault: they stay what they
 * are, so a caller reports an internal error instead of "tampered" or "malformed".
 */
export function isProgrammingError(cause: unknown): boolean {
  return cause instanceof ReferenceError || cause instanceof SyntaxError;
}

/**
 * Session key packets (RFC 9580 §5.1, §5.3) bounded: openpgp.js tries every PKESK addressed to
 * one of our keys, in parallel; a message repeating a valid one 10,000 times would make it run
 * 10,000 RSA or X25519 decryptions. gpg and Thunderbird stop at the first that works; we try the
 * first few that could be ours and drop the rest.
 */
export function pruneSessionKeyPackets(
  message: Message<never>,
  keys: readonly PrivateKey[],
  limits: DecryptLimits | undefined,
): void {
  const packets = message.packets as unknown as unknown[];
  const sessionKeyPackets = packets.filter(
    (p) => p instanceof PublicKeyEncryptedSessionKeyPacket || p instanceof SymEncryptedSessionKeyPacket,
  ).length;
  const maxPackets = limits?.maxSessionKeyPackets ?? Number.POSITIVE_INFINITY;
  if (sessionKeyPackets > maxPackets) {
    throw new NoiseError('too_large', `more than ${maxPackets} session key packets`);
  }
  const maxAttempts = limits?.maxSessionKeyAttempts ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(maxAttempts)) return;
  const ours = keys.flatMap((k) => k.getKeyIDs());
  let tried = 0;
  const kept = packets.filter((p) => {
    if (!(p instanceof PublicKeyEncryptedSessionKeyPacket)) return true;
    const id = (p as unknown as { publicKeyID: KeyID }).publicKeyID;
    if (!(/^0+$/.test(id.toHex()) || ours.some((o) => o.equals(id)))) return true;
    return ++tried <= maxAttempts;
  });
  // In place: the list is openpgp.js's own (a PacketList), which decrypt() reads.
  if (kept.length !== packets.length) {
    packets.length = 0;
    for (const p of kept) packets.push(p);
  }
}
