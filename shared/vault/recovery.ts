// Recovery code for the printable recovery sheet: 26 random Crockford base32 characters (130 bits)
// plus a 4-character checksum, shown as six groups of five. Typing mistakes are caught by the
// checksum before any decryption is tried; the code is high-entropy, so HKDF suffices (no Argon2).

import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';

const LABEL_RECOVERY_CHECKSUM = 'noise.email/vault/v1/recovery-checksum';
/** Crockford base32: no I, L, O, U. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DATA_CHARS = 26;
const CHECK_CHARS = 4;

function checksum(data: string): string {
  const h = sha256(utf8(`${LABEL_RECOVERY_CHECKSUM}\u0000${data}`));
  const bits = (h[0]! << 12) | (h[1]! << 4) | (h[2]! >> 4); // 20 bits → 4 characters
  let out = '';
  for (let i = CHECK_CHARS - 1; i >= 0; i--) out += ALPHABET[(bits >> (5 * i)) & 31]!;
  return out;
}

/** A new code such as `7K3QD-M2XRA-…` (six groups of five). */
export function generateRecoveryCode(
  random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): string {
  // 26 characters from 5-bit values: rejection-free because 32 divides 256.
  const bytes = random(DATA_CHARS);
  let data = '';
  for (const b of bytes) data += ALPHABET[b & 31]!;
  bytes.fill(0);
  const all = data + checksum(data);
  return all.match(/.{5}/g)!.join('-');
}

/**
 * Canonical form of a typed code: case, spaces and dashes ignored; Crockford's look-alikes mapped
 * (O→0, I/L→1). Throws 'invalid_argument' on a wrong length or checksum.
 */
export function normalizeRecoveryCode(typed: string): string {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== DATA_CHARS + CHECK_CHARS || [...s].some((c) => !ALPHABET.includes(c))) {
    throw new NoiseError('invalid_argument', 'recovery code: wrong length or characters');
  }
  const data = s.slice(0, DATA_CHARS);
  if (checksum(data) !== s.slice(DATA_CHARS))
    throw new NoiseError('invalid_argument', 'recovery code: mistyped');
  return data;
}
