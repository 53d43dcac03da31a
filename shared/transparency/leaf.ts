// The leaf format (docs/spec/transparency-v1.md §4): events, the 106-byte encoding, and the
// canonical decoder every reader uses (one meaning per byte string, §4.3).

import { concatBytes, u64be } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { COMMITMENT_BYTES, FINGERPRINT_KIND, type FingerprintKind, LABEL_BYTES } from './address-label.ts';
import { LEAF_VERSION } from './labels.ts';

/** §4.1 event codes. */
export const LEAF_EVENTS = {
  key_published: 1,
  key_updated: 2,
  key_revoked: 3,
  address_bound: 4,
  address_released: 5,
  envelope_identity_published: 6,
} as const;
export type LeafEvent = keyof typeof LEAF_EVENTS;

type Presence = 'required' | 'optional' | 'absent';

/** §4.1 which commitments each event carries. */
const FIELDS: Record<LeafEvent, { fingerprint: Presence; previous: Presence }> = {
  key_published: { fingerprint: 'required', previous: 'optional' },
  key_updated: { fingerprint: 'required', previous: 'absent' },
  key_revoked: { fingerprint: 'required', previous: 'absent' },
  address_bound: { fingerprint: 'required', previous: 'absent' },
  address_released: { fingerprint: 'absent', previous: 'required' },
  envelope_identity_published: { fingerprint: 'required', previous: 'optional' },
};

const EVENT_BY_CODE = new Map<number, LeafEvent>(
  Object.entries(LEAF_EVENTS).map(([name, code]) => [code, name as LeafEvent]),
);

/** Events that name an OpenPGP key served for the address (§9.1 step 4). */
export const KEY_BINDING_EVENTS: readonly LeafEvent[] = [
  'key_published',
  'address_bound',
  'key_updated',
  'key_revoked',
];

export const LEAF_BYTES = 2 + 8 + LABEL_BYTES + 2 * COMMITMENT_BYTES;

export interface Leaf {
  event: LeafEvent;
  /** Unix milliseconds, the directory's clock at the change. */
  time: number;
  label: Uint8Array;
  /** Commitment to the fingerprint the event names, or null where the event has none. */
  fingerprint: Uint8Array | null;
  /** Commitment to the fingerprint before the change, or null. */
  previous: Uint8Array | null;
}

/** §3.4: which kind of fingerprint an event's commitments are over. */
export function fingerprintKindOf(event: LeafEvent): FingerprintKind {
  return event === 'envelope_identity_published' ? FINGERPRINT_KIND.envelope : FINGERPRINT_KIND.openpgp;
}

const isZero = (b: Uint8Array) => b.every((x) => x === 0);

function fits(value: Uint8Array | null, presence: Presence): boolean {
  if (value === null) return presence !== 'required';
  return presence !== 'absent' && value.length === COMMITMENT_BYTES && !isZero(value);
}

export function encodeLeaf(leaf: Leaf): Uint8Array {
  const rules = FIELDS[leaf.event];
  if (!rules) throw new NoiseError('invalid_argument', 'leaf.event: unknown event');
  if (!Number.isSafeInteger(leaf.time) || leaf.time < 0)
    throw new NoiseError('invalid_argument', 'leaf.time: expected unix milliseconds');
  if (leaf.label.length !== LABEL_BYTES)
    throw new NoiseError('invalid_argument', 'leaf.label: expected 32 bytes');
  if (!fits(leaf.fingerprint, rules.fingerprint) || !fits(leaf.previous, rules.previous))
    throw new NoiseError('invalid_argument', `leaf: commitments do not match ${leaf.event}`);
  const zero = new Uint8Array(COMMITMENT_BYTES);
  return concatBytes(
    new Uint8Array([LEAF_VERSION, LEAF_EVENTS[leaf.event]]),
    u64be(leaf.time),
    leaf.label,
    leaf.fingerprint ?? zero,
    leaf.previous ?? zero,
  );
}

/** §4.3 canonical decoding: throws NoiseError('malformed') for anything but a v1 leaf. */
export function decodeLeaf(bytes: Uint8Array): Leaf {
  if (!(bytes instanceof Uint8Array) || bytes.length !== LEAF_BYTES)
    throw new NoiseError('malformed', `leaf: expected ${LEAF_BYTES} bytes`);
  if (bytes[0] !== LEAF_VERSION) throw new NoiseError('malformed', 'leaf: unknown version');
  const event = EVENT_BY_CODE.get(bytes[1]!);
  if (!event) throw new NoiseError('malformed', 'leaf: unknown event');
  const time = Number(new DataView(bytes.buffer, bytes.byteOffset + 2, 8).getBigUint64(0));
  if (!Number.isSafeInteger(time)) throw new NoiseError('malformed', 'leaf: time out of range');
  const label = bytes.slice(10, 10 + LABEL_BYTES);
  const at = 10 + LABEL_BYTES;
  const read = (offset: number, presence: Presence, name: string): Uint8Array | null => {
    const field = bytes.slice(offset, offset + COMMITMENT_BYTES);
    if (isZero(field)) {
      if (presence === 'required') throw new NoiseError('malformed', `leaf: ${name} missing for ${event}`);
      return null;
    }
    if (presence === 'absent') throw new NoiseError('malformed', `leaf: ${name} not allowed for ${event}`);
    return field;
  };
  const rules = FIELDS[event];
  return {
    event,
    time,
    label,
    fingerprint: read(at, rules.fingerprint, 'fingerprint'),
    previous: read(at + COMMITMENT_BYTES, rules.previous, 'previous'),
  };
}
