// The Autocrypt header of an inbound mail (Autocrypt Level 1 §2.1 and §2.3), kept only as a hint:
// nobody vouches that the key belongs to the address, so the reader offers it, never pins it.
// Taken only from a DMARC-aligned message whose From address the header names: otherwise anyone
// could plant a key for someone else's address.

import type { Header } from 'postal-mime';
import type { AutocryptHint } from '../../../shared/mailbox/summary.ts';
import type { AuthVerdicts } from './auth-results.ts';

/** The hint's schema caps keydata at 12 KiB of base64; a minimal Autocrypt key is far smaller. */
const MAX_KEYDATA_CHARS = 12 * 1024;

/** One Autocrypt header's attributes, or null when §2.1 says to ignore the header. */
export function parseAutocrypt(value: string): AutocryptHint | null {
  const attributes = new Map<string, string>();
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (attributes.has(name)) return null;
    attributes.set(name, part.slice(eq + 1).trim());
  }
  // §2.1: unknown attributes not starting with "_" are critical: the whole header is ignored.
  for (const name of attributes.keys())
    if (!['addr', 'prefer-encrypt', 'keydata'].includes(name) && !name.startsWith('_')) return null;
  const addr = attributes.get('addr')?.toLowerCase();
  const keydata = attributes.get('keydata')?.replace(/\s+/g, '');
  if (!addr || !keydata || keydata.length > MAX_KEYDATA_CHARS) return null;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(keydata)) return null;
  const prefer = attributes.get('prefer-encrypt');
  return { addr, preferEncrypt: prefer === 'mutual' ? 'mutual' : 'nopreference', keydata };
}

/** §2.3: exactly one valid header whose addr is the From address, and DMARC aligned for it. */
export function autocryptHint(
  headers: readonly Header[],
  fromAddress: string | undefined,
  verdicts: AuthVerdicts,
): AutocryptHint | undefined {
  if (!verdicts.aligned || !fromAddress) return undefined;
  const valid = headers
    .filter((h) => h.key === 'autocrypt')
    .map((h) => parseAutocrypt(h.value))
    .filter((h): h is AutocryptHint => h !== null);
  if (valid.length !== 1) return undefined;
  const hint = valid[0]!;
  return hint.addr === fromAddress.toLowerCase() ? hint : undefined;
}
