// Envelope identities pinned beside each contact's OpenPGP key (trust on first use, as
// contacts.ts does for OpenPGP keys). The identity the directory binds to an address is pinned the
// first time it is used, to seal (compose) or to confirm a sender (read). A later, different
// identity, from the directory or in a signed envelope header, is kept aside as a pending change
// and reported as a warning, in compose and in the read verdict, until the user accepts it.

import { normalizeAddress } from '../../shared/address.ts';
import type { Records } from '../store/records.ts';
import type { ContactRecord } from '../store/schema.ts';
import { observeKey } from './contacts.ts';

export type PinState = 'first_seen' | 'pinned' | 'verified' | 'changed';

export interface PinView {
  state: PinState;
  /** The identity seen now (uppercase hex). */
  fingerprint: string;
  /** The pinned identity; differs from `fingerprint` only when `state` is 'changed'. */
  pinned: string;
  firstSeen: number;
}

function viewOf(c: ContactRecord, seen: string, state: PinState): PinView {
  const pin = c.envelope!;
  return { state, fingerprint: seen, pinned: pin.fingerprint, firstSeen: pin.firstSeen };
}

/** The pin for `address` against the identity seen now, without changing anything; null if none. */
export async function checkPin(records: Records, address: string, seen: string): Promise<PinView | null> {
  const c = await records.contact(address);
  if (!c?.envelope) return null;
  const state = c.envelope.fingerprint !== seen ? 'changed' : c.envelope.verified ? 'verified' : 'pinned';
  return viewOf(c, seen, state);
}

/**
 * Records the identity seen for `address`. First sight pins it, creating the contact from the
 * directory's OpenPGP key when there is none (a contact without a usable key is not pinned:
 * null). The same identity: pinned or verified. Another one: a pending change, logged once.
 */
export async function observeEnvelopeIdentity(
  records: Records,
  address: string,
  seen: string,
  directoryOpenpgpKey: string | null,
  now = Date.now(),
): Promise<PinView | null> {
  const addr = normalizeAddress(address);
  let c = await records.contact(addr);
  if (!c && directoryOpenpgpKey)
    c = await observeKey(records, addr, directoryOpenpgpKey, 'directory', now).catch(() => undefined);
  if (!c) return null;
  if (!c.envelope) {
    const pinned: ContactRecord = { ...c, envelope: { fingerprint: seen, firstSeen: now, verified: false } };
    await records.putContact(pinned);
    return viewOf(pinned, seen, 'first_seen');
  }
  if (c.envelope.fingerprint === seen) return viewOf(c, seen, c.envelope.verified ? 'verified' : 'pinned');
  if (c.envelope.pendingChange?.fingerprint !== seen) {
    await records.putContact({
      ...c,
      envelope: { ...c.envelope, pendingChange: { fingerprint: seen, seenAt: now } },
    });
    await records.log('envelope_identity_changed', `${addr}: ${c.envelope.fingerprint} → ${seen}`);
  }
  return viewOf(c, seen, 'changed');
}
