// Background upkeep while unlocked (hourly alarm): top up one-time prekeys when the directory
// holds fewer than 20, rotate the signed prekey weekly, and keep the vault in sync with
// compare-and-swap, merging when another device wrote first (412).

import { fromBase64Url } from '../../shared/encoding.ts';
import { decodeVault, openVault as openSealed } from '../../shared/vault/index.ts';
import type { Records } from '../store/records.ts';
import type { VaultRecord } from '../store/schema.ts';
import { type AccountSecrets, pushVault, sessionFor } from './account.ts';
import type { Custody } from './custody.ts';
import {
  addOneTimePrekeys,
  IdentitySecrets,
  INITIAL_ONE_TIME_PREKEYS,
  ONE_TIME_PREKEY_LOW_WATER,
  publicEnvelopeKeys,
  rotateSignedPrekey,
  SIGNED_PREKEY_MAX_AGE_MS,
  signedPrekeyAgeMs,
} from './identity.ts';
import { server } from './server.ts';

export const UPKEEP_ALARM = 'noise-upkeep';

/**
 * Merges two vault versions of the same identity: every prekey secret either side holds is
 * kept (a deleted secret could no longer open mail sent to it), the newest signed prekeys win,
 * and addresses are united. The PGP key and revocation follow `ours` (the acting device).
 */
export function mergeSecrets(
  ours: AccountSecrets,
  theirs: { identity: IdentitySecrets; addresses: string[] },
): AccountSecrets {
  const opks = new Map(theirs.identity.envelope.oneTimePrekeys.map((o) => [o.id, o]));
  for (const o of ours.identity.envelope.oneTimePrekeys) opks.set(o.id, o);
  const spks = new Map(theirs.identity.envelope.signedPrekeys.map((s) => [s.id, s]));
  for (const s of ours.identity.envelope.signedPrekeys) spks.set(s.id, s);
  const signedPrekeys = [...spks.values()].sort((a, b) => b.id - a.id).slice(0, 2);
  return {
    ...ours,
    addresses: [...new Set([...ours.addresses, ...theirs.addresses])],
    identity: {
      ...ours.identity,
      revoked: ours.identity.revoked || theirs.identity.revoked,
      envelope: {
        ...ours.identity.envelope,
        signedPrekeys,
        oneTimePrekeys: [...opks.values()].sort((a, b) => a.id - b.id),
        nextPrekeyId: Math.max(ours.identity.envelope.nextPrekeyId, theirs.identity.envelope.nextPrekeyId),
      },
    },
  };
}

/** Pushes the vault; on a compare-and-swap conflict, merges with the server's copy and retries. */
export async function syncVault(
  record: VaultRecord,
  secrets: AccountSecrets,
): Promise<{ record: VaultRecord; secrets: AccountSecrets }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return { record: await pushVault(record, secrets), secrets };
    } catch (e) {
      if ((e as { status?: number }).status !== 412) throw e;
      const api = server(record.serverUrl);
      const remote = await api.getVault(await sessionFor(record, secrets));
      const plain = await openSealed(
        decodeVault(remote.vault),
        fromBase64Url(secrets.wrapKey),
        record.address,
      );
      const theirs = JSON.parse(new TextDecoder().decode(plain)) as {
        identity: unknown;
        addresses: string[];
      };
      secrets = mergeSecrets(secrets, {
        identity: IdentitySecrets.parse(theirs.identity),
        addresses: theirs.addresses,
      });
      record = { ...record, blob: remote.vault, version: remote.version };
    }
  }
  throw new Error('vault sync kept conflicting');
}

export async function runUpkeep(
  records: Records,
  custody: Custody<AccountSecrets>,
  start: AccountSecrets,
): Promise<void> {
  let record = await records.vault();
  if (!record || start.identity.revoked) return;
  let secrets = start;
  const api = server(record.serverUrl);
  const session = await sessionFor(record, secrets);
  let changed = false;

  const stock = await api.prekeyStock(session);
  if (stock.oneTimePrekeys < ONE_TIME_PREKEY_LOW_WATER) {
    const { next, ids } = addOneTimePrekeys(
      secrets.identity,
      INITIAL_ONE_TIME_PREKEYS - stock.oneTimePrekeys,
    );
    secrets = { ...secrets, identity: next };
    // Seal the new secrets before publishing their public halves: mail to a published
    // prekey must always be openable.
    ({ record, secrets } = await syncVault(record, secrets));
    await api.uploadOneTimePrekeys(session, publicEnvelopeKeys(next, ids).oneTimePrekeys);
    changed = true;
  }
  if (signedPrekeyAgeMs(secrets.identity) > SIGNED_PREKEY_MAX_AGE_MS) {
    secrets = { ...secrets, identity: rotateSignedPrekey(secrets.identity) };
    ({ record, secrets } = await syncVault(record, secrets));
    await api.rotateSignedPrekey(session, publicEnvelopeKeys(secrets.identity, new Set()).signedPrekey);
    changed = true;
  }
  if (changed) {
    await records.putVault(record);
    await custody.replace(secrets);
  }
}
