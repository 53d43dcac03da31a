// Who the mail says it is from, and whether that is one clear address a signer can be checked
// against. "Johnny, you are fired" (Müller et al., USENIX Security 2019) spoofed the signer check
// with a From of two mailboxes, two From fields, and a display name that is itself an address:
// each makes the sender ambiguous, so no signature can be "by the sender" (docs/verdicts.md).

import { addressesIn, normalizeAddress } from '../address.ts';
import { addressOf } from '../address-fields.ts';
import type { MessageHeaders, VerdictWarning } from './types.ts';

export interface SenderCheck {
  /** The address signatures are checked against, or null when there is none or it is ambiguous. */
  address: string | null;
  warnings: VerdictWarning[];
}

/**
 * `fromFields` is how many From fields the header section had; `shown` an address the caller
 * displays as the sender (the webmail's, or the CLI's --from), which then is what is checked.
 */
export function checkSender(headers: MessageHeaders, fromFields: number, shown: string | null): SenderCheck {
  const warnings: VerdictWarning[] = [];
  const ambiguous = (reason: NonNullable<VerdictWarning['reason']>) =>
    warnings.push({ code: 'sender_ambiguous', reason });
  if (fromFields > 1) ambiguous('several_from_headers');
  if (new Set(headers.fromAll.map((m) => addressOf(m.address))).size > 1) ambiguous('several_mailboxes');
  for (const mailbox of headers.fromAll) {
    const own = addressOf(mailbox.address);
    if (addressesIn(mailbox.name).some((n) => n !== own)) {
      ambiguous('display_name_address');
      break;
    }
  }
  const mailFrom = headers.from ? addressOf(headers.from.address) : '';
  const shownAddress = shown ? addressOf(shown) || normalizeAddress(shown) : '';
  if (shownAddress && mailFrom && shownAddress !== mailFrom) {
    warnings.push({ code: 'sender_differs', shown: shownAddress, mailFrom });
  }
  const address = warnings.some((w) => w.code === 'sender_ambiguous')
    ? null
    : shownAddress || mailFrom || null;
  return { address, warnings };
}

/** How far a signature's time may be from the mail's Date before the verdict says so. */
export const SIGNATURE_DATE_SKEW_MS = 24 * 60 * 60 * 1000;

/** RFC 5322 §3.3 date, or undefined when it does not parse. */
export function mailDate(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const time = Date.parse(value.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(time) ? undefined : new Date(time);
}
