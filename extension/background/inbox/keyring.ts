// The inbox keys inside the vault (docs/spec/mailbox-v1.md §2): 256 random bits each, synced with
// the vault and never sent anywhere else. The newest key seals; older ones stay so that objects
// another device sealed before it learned of a rotation still open, until the re-encryption pass
// (rotation.ts) has moved them. Pure functions: the vault code stores, merges and pushes.

import { z } from 'zod';
import { fromBase64Url, toBase64Url, toHex } from '../../../shared/encoding.ts';
import { generateInboxKey, INBOX_KEY_LENGTH, inboxKeyId } from '../../../shared/mailbox/index.ts';

/** A rotation past this many inbox keys is refused (each one stays to open what it sealed). */
export const MAX_INBOX_KEYS = 64;
/** What a vault accepts: two devices' rings merged after each rotated on its own. */
const MAX_MERGED_KEYS = 4 * MAX_INBOX_KEYS;

const InboxKeyEntry = z.strictObject({
  /** base64url of the 32-byte key. */
  key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** When it was made (unix ms): the newest seals. */
  createdAt: z.number().int().min(0),
});

export const InboxKeyring = z.strictObject({ keys: z.array(InboxKeyEntry).min(1).max(MAX_MERGED_KEYS) });
export type InboxKeyring = z.infer<typeof InboxKeyring>;

export interface InboxKey {
  /** mailbox-v1 §2.2 key id, lowercase hex (16 digits). */
  id: string;
  key: Uint8Array;
  createdAt: number;
}

function entryOf(key: Uint8Array, createdAt: number) {
  return { key: toBase64Url(key), createdAt };
}

function unpack(e: z.infer<typeof InboxKeyEntry>): InboxKey {
  const key = fromBase64Url(e.key);
  if (key.length !== INBOX_KEY_LENGTH) throw new Error('inbox key: wrong length');
  return { id: toHex(inboxKeyId(key)), key, createdAt: e.createdAt };
}

/** Every key of the ring, newest first (ties broken by id, so every device agrees). */
export function inboxKeys(ring: InboxKeyring): InboxKey[] {
  const byId = new Map<string, InboxKey>();
  for (const e of ring.keys) {
    const k = unpack(e);
    byId.set(k.id, k);
  }
  return [...byId.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
}

/** The key that seals: the newest. */
export function currentInboxKey(ring: InboxKeyring): InboxKey {
  return inboxKeys(ring)[0] as InboxKey;
}

/** The key with this id (hex), or null when the ring has none (the object is not for this vault). */
export function inboxKeyById(ring: InboxKeyring, id: string): InboxKey | null {
  return inboxKeys(ring).find((k) => k.id === id) ?? null;
}

/** A first ring: one fresh key. */
export function newInboxKeyring(now = Date.now(), random?: (n: number) => Uint8Array): InboxKeyring {
  return { keys: [entryOf(generateInboxKey(random), now)] };
}

/** Rotation: a fresh key becomes current; the others stay to open what they sealed. */
export function rotateInboxKeyring(
  ring: InboxKeyring,
  now = Date.now(),
  random?: (n: number) => Uint8Array,
): InboxKeyring {
  if (ring.keys.length >= MAX_INBOX_KEYS)
    throw new Error(`inbox keys: at most ${MAX_INBOX_KEYS} rotations are kept`);
  const newest = Math.max(...ring.keys.map((k) => k.createdAt));
  // Strictly newer than every key held, whatever the clock says, so the new key is current.
  return { keys: [entryOf(generateInboxKey(random), Math.max(now, newest + 1)), ...ring.keys] };
}

/**
 * Two copies of the ring (this device's and the Worker's after a vault conflict): every key of
 * either stays, since either side may have sealed objects with it; the newest is current on both.
 */
export function mergeInboxKeyrings(
  ours: InboxKeyring | undefined,
  theirs: InboxKeyring | undefined,
): InboxKeyring | undefined {
  if (!ours) return theirs;
  if (!theirs) return ours;
  const byKey = new Map<string, z.infer<typeof InboxKeyEntry>>();
  for (const e of [...theirs.keys, ...ours.keys]) {
    const had = byKey.get(e.key);
    if (!had || e.createdAt > had.createdAt) byKey.set(e.key, e);
  }
  return { keys: [...byKey.values()].sort((a, b) => b.createdAt - a.createdAt) };
}
