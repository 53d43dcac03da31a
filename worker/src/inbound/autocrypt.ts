// The Autocrypt header of an inbound mail (Autocrypt Level 1 §2.1 and §2.3), kept only as a hint:
// nobody vouches that the key belongs to the address, so the reader offers it, never pins it.
// Taken only from a DMARC-aligned message whose From address the header names: otherwise anyone
// could plant a key for someone else's address.

import type { Header } from 'postal-mime';
import { sameAddress } from '../../../shared/address.ts';
import type { AutocryptHint } from '../../../shared/mailbox/summary.ts';
import { parseAutocrypt } from '../../../shared/outbound/autocrypt.ts';
import type { AuthVerdicts } from './auth-results.ts';

// One parser of the header (§2.1), shared with the outgoing side.
export { parseAutocrypt };

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
  return sameAddress(hint.addr, fromAddress) ? hint : undefined;
}
