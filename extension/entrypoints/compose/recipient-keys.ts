// What the recipients' key statuses allow: Encrypt only when every recipient has a usable key
// (none missing, none refused by its transparency proof), native envelope only when all have one
// and the message is signed. Nothing is sent in clear without the user choosing so.

import { normalizeAddress } from '../../../shared/address.ts';
import type { KeyStatus } from '../../overlay/protocol.ts';
import type { Recipient } from './Recipients.tsx';

export function recipientKeys(list: Recipient[], statuses: Map<string, KeyStatus>, sign: boolean) {
  const statusOf = (r: Recipient) => statuses.get(normalizeAddress(r.address));
  const kinds = list.map((r) => statusOf(r)?.kind);
  const missing = list.filter((r) => statusOf(r)?.kind === 'none');
  // A directory answer whose transparency proof failed: never used, and the reason is shown.
  const refused = list.flatMap((r) => {
    const s = statusOf(r);
    return s?.kind === 'refused' ? [s] : [];
  });
  // envelope-v1 identities pinned per contact: a changed one goes out as OpenPGP, with this warning.
  const changedIdentities = list.flatMap((r) => {
    const s = statusOf(r);
    return s?.kind === 'pgp' && s.envelopeChanged ? [{ address: r.address, ...s.envelopeChanged }] : [];
  });
  const native = kinds.length > 0 && kinds.every((k) => k === 'native') && sign;
  const ready =
    list.length > 0 && missing.length === 0 && refused.length === 0 && kinds.every((k) => k !== undefined);
  return { missing, refused, changedIdentities, native, ready };
}
