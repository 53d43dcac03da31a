// WKD hashed local part: z-base32 of SHA-1 over the lowercased local part
// (draft-koch-openpgp-webkey-service §3.1; z-base32 per RFC 6189 §5.1.6).

import { sha1 } from '@noble/hashes/legacy.js';
import { utf8 } from '../encoding.ts';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

export function zBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The WKD hash of a local part; ASCII is lowercased as the draft requires. */
export function wkdHash(localPart: string): string {
  return zBase32(sha1(utf8(localPart.toLowerCase())));
}
