// The inbox keys in the vault: one current key that every device agrees on, rotation keeps the
// old keys, a merge of two copies keeps every key of either (an object sealed with a key only one
// side had must still open), and the vault's contents accept the ring and refuse a malformed one.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/encoding.ts';
import { inboxKeyId } from '../../../shared/mailbox/index.ts';
import { decodeContents, encodeContents, type VaultContents } from '../account.ts';
import { generateIdentitySecrets } from '../identity.ts';
import { mergeSecrets } from '../vault-merge.ts';
import {
  currentInboxKey,
  InboxKeyring,
  inboxKeyById,
  inboxKeys,
  MAX_INBOX_KEYS,
  mergeInboxKeyrings,
  newInboxKeyring,
  rotateInboxKeyring,
} from './keyring.ts';

const seeded = (seed: number) => (n: number) => new Uint8Array(n).fill(seed);

describe('inbox keyring', () => {
  it('a new ring holds one 256-bit key whose id is the spec key id', () => {
    const ring = newInboxKeyring(1000, seeded(7));
    const k = currentInboxKey(ring);
    expect(k.key).toEqual(new Uint8Array(32).fill(7));
    expect(k.id).toBe(toHex(inboxKeyId(k.key)));
    expect(inboxKeyById(ring, k.id)?.createdAt).toBe(1000);
    expect(inboxKeyById(ring, '0000000000000000')).toBeNull();
  });

  it('rotation makes a newer key current, even with a clock behind the newest key, and keeps the old', () => {
    const ring = newInboxKeyring(5000, seeded(1));
    const rotated = rotateInboxKeyring(ring, 10, seeded(2));
    expect(currentInboxKey(rotated).key).toEqual(new Uint8Array(32).fill(2));
    expect(inboxKeys(rotated).map((k) => k.key[0])).toEqual([2, 1]);
  });

  it(`refuses a rotation past ${MAX_INBOX_KEYS} keys`, () => {
    let ring = newInboxKeyring(0, seeded(0));
    for (let i = 1; i < MAX_INBOX_KEYS; i++) ring = rotateInboxKeyring(ring, i);
    expect(() => rotateInboxKeyring(ring, MAX_INBOX_KEYS)).toThrow();
  });

  it('a merge keeps every key of both sides and both agree on the current one', () => {
    fc.assert(
      fc.property(fc.nat(12), fc.nat(12), fc.nat(1_000_000), (a, b, t0) => {
        let ours = newInboxKeyring(t0, seeded(200));
        let theirs = ours;
        for (let i = 0; i < a; i++) ours = rotateInboxKeyring(ours, t0 + i + 1);
        for (let i = 0; i < b; i++) theirs = rotateInboxKeyring(theirs, t0 + i + 1);
        const m1 = mergeInboxKeyrings(ours, theirs)!;
        const m2 = mergeInboxKeyrings(theirs, ours)!;
        const ids = (r: InboxKeyring) => new Set(inboxKeys(r).map((k) => k.id));
        for (const id of [...ids(ours), ...ids(theirs)]) {
          expect(ids(m1).has(id)).toBe(true);
          expect(ids(m2).has(id)).toBe(true);
        }
        expect(currentInboxKey(m1).id).toBe(currentInboxKey(m2).id);
        expect(InboxKeyring.safeParse(m1).success).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('a merge with a side that has no ring yet keeps the other', () => {
    const ring = newInboxKeyring();
    expect(mergeInboxKeyrings(ring, undefined)).toBe(ring);
    expect(mergeInboxKeyrings(undefined, ring)).toBe(ring);
    expect(mergeInboxKeyrings(undefined, undefined)).toBeUndefined();
  });

  it('the vault keeps the ring through encode/decode and a secrets merge', async () => {
    const identity = await generateIdentitySecrets('ada@noise.localhost', () => {});
    const ours = newInboxKeyring(1, seeded(3));
    const theirs = rotateInboxKeyring(ours, 2, seeded(4));
    const contents: VaultContents = { v: 1, identity, addresses: ['ada@noise.localhost'], inbox: ours };
    expect(decodeContents(encodeContents(contents)).inbox).toEqual(ours);
    const merged = mergeSecrets(
      { identity, addresses: contents.addresses, wrapKey: 'w', authKey: 'a', inbox: ours },
      { identity, addresses: contents.addresses, inbox: theirs },
    );
    expect(inboxKeys(merged.inbox!).map((k) => k.key[0])).toEqual([4, 3]);
    // A vault whose ring is not a ring does not open as if it had none.
    const bad = { ...contents, inbox: { keys: [{ key: 'short', createdAt: 1 }] } };
    expect(() => decodeContents(new TextEncoder().encode(JSON.stringify(bad)))).toThrow();
  });
});
