// Vault merge on a compare-and-swap conflict (vault-merge.ts): prekey secrets either device holds
// are kept, except the one-time prekeys an open deleted (tombstones win, envelope-v1 §2.4), and
// signed prekeys follow their grace period (§2.3), whichever side is "ours".

import { describe, expect, it } from 'vitest';
import type { AccountSecrets } from './account.ts';
import {
  addOneTimePrekeys,
  consumeOneTimePrekey,
  generateIdentitySecrets,
  type IdentitySecrets,
  rotateSignedPrekey,
  SIGNED_PREKEY_GRACE_MS,
} from './identity.ts';
import { mergeSecrets } from './vault-merge.ts';

const DAY = 24 * 60 * 60_000;
const secretsOf = (identity: IdentitySecrets, addresses = ['ada@example.org']): AccountSecrets => ({
  identity,
  addresses,
  wrapKey: 'w',
  authKey: 'k',
});
const opkIds = (s: AccountSecrets) => s.identity.envelope.oneTimePrekeys.map((o) => o.id);

describe('vault merge on a compare-and-swap conflict', () => {
  it('keeps every prekey secret either device holds, the union of addresses and the higher next id', async () => {
    const base = await generateIdentitySecrets('ada@example.org', () => {});
    // Device A tops up one-time prekeys; device B rotates the signed prekey, both from `base`.
    const a = addOneTimePrekeys(base, 5).next;
    const b = rotateSignedPrekey(base);
    const merged = mergeSecrets(secretsOf(a), {
      identity: b,
      addresses: ['ada@example.org', 'ada@noise.localhost'],
    });
    expect(new Set(opkIds(merged)).size).toBe(base.envelope.oneTimePrekeys.length + 5);
    expect(merged.identity.envelope.signedPrekeys.map((s) => s.id)).toEqual([2, 1]);
    expect(merged.identity.envelope.nextPrekeyId).toBe(a.envelope.nextPrekeyId);
    expect(merged.addresses).toEqual(['ada@example.org', 'ada@noise.localhost']);
    expect(merged.identity.pgp.fingerprint).toBe(base.pgp.fingerprint);
  });

  it('a one-time prekey deleted on one device is not brought back by the other device’s older copy', async () => {
    const base = await generateIdentitySecrets('ada@example.org', () => {});
    const used = base.envelope.oneTimePrekeys[3]!.id;
    const opened = consumeOneTimePrekey(base, used); // device A opened an envelope that used it
    const stale = addOneTimePrekeys(base, 2).next; // device B never heard, and changed something else
    for (const merged of [
      mergeSecrets(secretsOf(opened), { identity: stale, addresses: [] }),
      mergeSecrets(secretsOf(stale), { identity: opened, addresses: [] }),
    ]) {
      expect(opkIds(merged)).not.toContain(used);
      expect(merged.identity.envelope.consumedOneTimePrekeys).toEqual([used]);
      expect(opkIds(merged)).toHaveLength(base.envelope.oneTimePrekeys.length - 1 + 2);
    }
  });

  it('a signed prekey past its grace period is not kept alive by a copy that still has it', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const base = await generateIdentitySecrets('ada@example.org', () => {});
    const day0 = {
      ...base,
      envelope: {
        ...base.envelope,
        signedPrekeys: [{ ...base.envelope.signedPrekeys[0]!, createdAt: t0 / 1000 }],
      },
    };
    const rotated = rotateSignedPrekey(day0, t0 + 7 * DAY); // spk 2 replaces spk 1 on day 7
    // Within the grace period both stay, on either side of the merge.
    const soon = t0 + 7 * DAY + SIGNED_PREKEY_GRACE_MS - DAY;
    expect(
      mergeSecrets(
        secretsOf(rotated),
        { identity: day0, addresses: [] },
        soon,
      ).identity.envelope.signedPrekeys.map((s) => s.id),
    ).toEqual([2, 1]);
    // After it, spk 1 is gone even though the stale side still holds it.
    const late = t0 + 7 * DAY + SIGNED_PREKEY_GRACE_MS + 1;
    for (const merged of [
      mergeSecrets(secretsOf(rotated), { identity: day0, addresses: [] }, late),
      mergeSecrets(secretsOf(day0), { identity: rotated, addresses: [] }, late),
    ])
      expect(merged.identity.envelope.signedPrekeys.map((s) => s.id)).toEqual([2]);
  });

  it('a revocation on either side survives the merge', async () => {
    const base = await generateIdentitySecrets('bob@example.org', () => {});
    expect(
      mergeSecrets(secretsOf(base), { identity: { ...base, revoked: true }, addresses: [] }).identity.revoked,
    ).toBe(true);
  });
});
