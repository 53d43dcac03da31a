// Who gets which copy of a message sent from the inbox page (docs/spec/relay-v1.md §6): those
// with a key get the PGP/MIME copy (encrypted mode); those without one get the signed plaintext
// sealed to the relay only when the sender chose so for this message and confirmed the warning
// for each of them by address, or are left out. Nothing is ever downgraded silently: a recipient
// whose key vanished between the preview and the send is not in the confirmed list, so the send
// stops and asks again. A key the transparency checks refused stops the send (it is neither used
// nor replaced by plaintext).

import { normalizeAddress, uniqueAddresses } from '../../../shared/address.ts';
import type { KeyStatus } from '../../overlay/protocol.ts';
import { ExtensionError } from '../errors.ts';

/** The sender's choice for recipients without a key, per message. */
export type WithoutKey = 'seal' | 'omit';

export interface SendSplit {
  /** Recipients with a key: the encrypted copy. */
  encrypted: string[];
  /** Recipients without one the sender chose to send plaintext to (sealed to the relay). */
  sealed: string[];
  /** Recipients without one the sender left out. */
  omitted: string[];
}

export function splitRecipients(
  statuses: readonly KeyStatus[],
  choice: { withoutKey?: WithoutKey | undefined; confirmed: readonly string[] },
): SendSplit {
  const refused = statuses.flatMap((s) => (s.kind === 'refused' ? [s.reason] : []));
  if (refused.length > 0) throw new ExtensionError('transparency_failed', refused.join(' '));
  const encrypted = uniqueAddresses(statuses.filter((s) => s.kind !== 'none').map((s) => s.address));
  const keyless = uniqueAddresses(statuses.filter((s) => s.kind === 'none').map((s) => s.address));
  const confirmed = new Set(choice.confirmed.map(normalizeAddress));
  let sealed: string[] = [];
  let omitted: string[] = [];
  if (keyless.length > 0) {
    if (choice.withoutKey === 'omit') omitted = keyless;
    else {
      const unconfirmed = keyless.filter((a) => choice.withoutKey !== 'seal' || !confirmed.has(a));
      if (unconfirmed.length > 0)
        throw new ExtensionError(
          'unencrypted_not_confirmed',
          `No key for ${unconfirmed.join(', ')}: choose to send them unencrypted or leave them out.`,
        );
      sealed = keyless;
    }
  }
  if (encrypted.length + sealed.length === 0)
    throw new ExtensionError('bad_request', 'No recipient is left to send to.');
  return { encrypted, sealed, omitted };
}
