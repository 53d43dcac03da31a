// WKD hashed local part: z-base32 of SHA-1 over the lowercased local part
// (draft-koch-openpgp-webkey-service §3.1; z-base32 per RFC 6189 §5.1.6).

import { sha1 } from '@noble/hashes/legacy.js';
import { toZBase32, utf8 } from '../encoding.ts';

/** The WKD hash of a local part; ASCII is lowercased as the draft requires. */
export function wkdHash(localPart: string): string {
  return toZBase32(sha1(utf8(localPart.toLowerCase())));
}
