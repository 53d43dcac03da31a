// Deterministic randomness for known-answer vectors: block i = SHA-256(seed ‖ u32be(i)).
// Never for production; only so that vectors reproduce byte for byte.

import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, u32be, utf8 } from '../../encoding.ts';
import type { RandomSource } from '../random.ts';

export function drbg(seed: string): RandomSource {
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  return (length) => {
    while (pool.length < length) pool = concatBytes(pool, sha256(concatBytes(utf8(seed), u32be(counter++))));
    const out = pool.slice(0, length);
    pool = pool.slice(length);
    return out;
  };
}

/** A fixed 32-byte secret named by a string: SHA-256(name). */
export function fixedSecret(name: string): Uint8Array {
  return sha256(utf8(name));
}
