// Merging two versions of the same vault after a compare-and-swap conflict (another device wrote
// first). Prekey secrets either side holds are kept (mail sent to a published prekey must stay
// openable), except those deleted after an open: the tombstones of both sides win over any copy
// (envelope-v1 §2.4), so a device's stale copy can never bring a used one-time prekey back. Signed
// prekeys follow their grace rule (identity.ts signedPrekeysInGrace), a pure function of the set.

import type { AccountSecrets } from './account.ts';
import { type IdentitySecrets, signedPrekeysInGrace } from './identity.ts';
import { mergeInboxKeyrings } from './inbox/keyring.ts';

/**
 * The PGP key follows `ours` (the acting device); a revocation on either side stays, and so does
 * a recovery key (ours first), or the other device's recovery sheet would stop working. Inbox
 * keys of both sides stay (inbox/keyring.ts): either may have sealed mail with one.
 */
export function mergeSecrets(
  ours: AccountSecrets,
  theirs: {
    identity: IdentitySecrets;
    addresses: string[];
    recovery?: AccountSecrets['recovery'];
    inbox?: AccountSecrets['inbox'];
  },
  now = Date.now(),
): AccountSecrets {
  const o = ours.identity.envelope;
  const t = theirs.identity.envelope;
  const tombstones = new Set([...o.consumedOneTimePrekeys, ...t.consumedOneTimePrekeys]);
  const opks = new Map(t.oneTimePrekeys.map((k) => [k.id, k]));
  for (const k of o.oneTimePrekeys) opks.set(k.id, k);
  for (const id of tombstones) opks.delete(id);
  const recovery = ours.recovery ?? theirs.recovery;
  const inbox = mergeInboxKeyrings(ours.inbox, theirs.inbox);
  return {
    ...ours,
    ...(recovery ? { recovery } : {}),
    ...(inbox ? { inbox } : {}),
    addresses: [...new Set([...ours.addresses, ...theirs.addresses])],
    identity: {
      ...ours.identity,
      revoked: ours.identity.revoked || theirs.identity.revoked,
      envelope: {
        ...o,
        signedPrekeys: signedPrekeysInGrace([...o.signedPrekeys, ...t.signedPrekeys], now),
        oneTimePrekeys: [...opks.values()].sort((a, b) => a.id - b.id),
        consumedOneTimePrekeys: [...tombstones].sort((a, b) => a - b),
        nextPrekeyId: Math.max(o.nextPrekeyId, t.nextPrekeyId),
      },
    },
  };
}
