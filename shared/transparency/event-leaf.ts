// From a directory event to its leaf (docs/spec/transparency-v1.md §4.2): the directory's
// side, which holds the VRF secret. Fingerprints go in as binary and come out committed.

import { commitFingerprint, labelOfAddress } from './address-label.ts';
import { encodeLeaf, fingerprintKindOf, type LeafEvent } from './leaf.ts';

export interface DirectoryEvent {
  event: LeafEvent;
  address: string;
  /** The fingerprint the event names (binary), or null where §4.1 says absent. */
  fingerprint: Uint8Array | null;
  /** The fingerprint before the change, or null. */
  previous: Uint8Array | null;
}

export function leafForEvent(vrfSecret: Uint8Array, e: DirectoryEvent, time: number): Uint8Array {
  const { label, commitmentKey } = labelOfAddress(vrfSecret, e.address);
  const kind = fingerprintKindOf(e.event);
  const commit = (fp: Uint8Array | null) => (fp ? commitFingerprint(commitmentKey, kind, fp) : null);
  return encodeLeaf({
    event: e.event,
    time,
    label,
    fingerprint: commit(e.fingerprint),
    previous: commit(e.previous),
  });
}
