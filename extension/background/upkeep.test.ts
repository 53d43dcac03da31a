import { describe, expect, it } from 'vitest';
import type { AccountSecrets } from './account.ts';
import { addOneTimePrekeys, generateIdentitySecrets, rotateSignedPrekey } from './identity.ts';
import { mergeSecrets } from './upkeep.ts';

describe('vault merge on a compare-and-swap conflict', () => {
  it('keeps every prekey secret either device holds and the newest signed prekeys', async () => {
    const base = await generateIdentitySecrets('ada@example.org', () => {});
    // Device A tops up one-time prekeys; device B rotates the signed prekey, both from `base`.
    const a = addOneTimePrekeys(base, 5).next;
    const b = rotateSignedPrekey(base);
    const ours: AccountSecrets = {
      identity: a,
      addresses: ['ada@example.org'],
      wrapKey: 'w',
      authKey: 'k',
      session: null,
    };
    const merged = mergeSecrets(ours, { identity: b, addresses: ['ada@example.org', 'ada@noise.localhost'] });

    const opkIds = merged.identity.envelope.oneTimePrekeys.map((o) => o.id);
    expect(new Set(opkIds).size).toBe(opkIds.length);
    expect(opkIds).toHaveLength(base.envelope.oneTimePrekeys.length + 5);
    expect(merged.identity.envelope.signedPrekeys.map((s) => s.id)).toEqual([2, 1]);
    expect(merged.identity.envelope.nextPrekeyId).toBe(a.envelope.nextPrekeyId);
    expect(merged.addresses).toEqual(['ada@example.org', 'ada@noise.localhost']);
    expect(merged.identity.pgp.fingerprint).toBe(base.pgp.fingerprint);
  });

  it('a revocation on either side survives the merge', async () => {
    const base = await generateIdentitySecrets('bob@example.org', () => {});
    const ours: AccountSecrets = { identity: base, addresses: [], wrapKey: 'w', authKey: 'k', session: null };
    expect(mergeSecrets(ours, { identity: { ...base, revoked: true }, addresses: [] }).identity.revoked).toBe(
      true,
    );
  });
});
