// Background upkeep while unlocked (hourly alarm, and soon after an open deleted a one-time
// prekey): bring in other devices' vault changes and push this one's (vault-sync.ts), drop
// prekeys the replay ledger says were used and signed prekeys past their grace period
// (envelope-v1 §2.3–2.4), top up one-time prekeys when the directory holds fewer than 20, and
// rotate the signed prekey weekly.

import type { Records } from '../store/records.ts';
import type { AccountSecrets } from './account.ts';
import type { Custody } from './custody.ts';
import {
  addOneTimePrekeys,
  INITIAL_ONE_TIME_PREKEYS,
  ONE_TIME_PREKEY_LOW_WATER,
  publicEnvelopeKeys,
  rotateSignedPrekey,
  SIGNED_PREKEY_MAX_AGE_MS,
  signedPrekeyAgeMs,
  signedPrekeysInGrace,
} from './identity.ts';
import type { PrekeyCustody } from './prekey-custody.ts';
import { type AccountServer, serverCall } from './server.ts';
import { createTransparencyService } from './transparency-handlers.ts';
import { exclusiveVault, pushVault, reconcileVault, saveLocally } from './vault-sync.ts';

export const UPKEEP_ALARM = 'noise-upkeep';

export interface UpkeepDeps {
  records: Records;
  custody: Custody<AccountSecrets>;
  server: AccountServer;
  prekeys: PrekeyCustody;
  now?: () => number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Deletions due on this device: used one-time prekeys (ledger) and signed prekeys past their grace. */
async function dueDeletions(deps: UpkeepDeps, secrets: AccountSecrets): Promise<AccountSecrets> {
  const swept = await deps.prekeys.sweep(secrets);
  const signedPrekeys = signedPrekeysInGrace(swept.identity.envelope.signedPrekeys, (deps.now ?? Date.now)());
  return {
    ...swept,
    identity: { ...swept.identity, envelope: { ...swept.identity.envelope, signedPrekeys } },
  };
}

/** Syncs the vault both ways; with `prekeys`, also tops up and rotates what the directory holds. */
async function upkeep(deps: UpkeepDeps, prekeys: boolean): Promise<void> {
  let record = await deps.records.vault();
  const start = await deps.custody.current();
  if (!record || !start || start.identity.revoked) return;
  const api = deps.server.api(record.serverUrl);
  let secrets = await dueDeletions(deps, start);
  if (!same(secrets.identity, start.identity)) record = await saveLocally(record, secrets);
  ({ record, secrets } = await serverCall(record.serverUrl, () => reconcileVault(api, record!, secrets)));
  // Whatever was merged in must not bring back what is due to go.
  secrets = await dueDeletions(deps, secrets);

  if (prekeys) {
    const stock = await serverCall(record.serverUrl, () => api.directory.prekeyStock());
    if (stock.oneTimePrekeys < ONE_TIME_PREKEY_LOW_WATER) {
      const { next, ids } = addOneTimePrekeys(
        secrets.identity,
        INITIAL_ONE_TIME_PREKEYS - stock.oneTimePrekeys,
      );
      // Seal the new secrets before publishing their public halves: mail to a published
      // prekey must always be openable.
      ({ record, secrets } = await pushVault(api, record, { ...secrets, identity: next }));
      const published = publicEnvelopeKeys(secrets.identity, ids).oneTimePrekeys;
      await serverCall(record.serverUrl, () => api.directory.uploadOneTimePrekeys(published));
    }
    const now = (deps.now ?? Date.now)();
    if (signedPrekeyAgeMs(secrets.identity, now) > SIGNED_PREKEY_MAX_AGE_MS) {
      const rotated = { ...secrets, identity: rotateSignedPrekey(secrets.identity, now) };
      ({ record, secrets } = await pushVault(api, record, rotated));
      const spk = publicEnvelopeKeys(secrets.identity, new Set()).signedPrekey;
      await serverCall(record.serverUrl, () => api.directory.uploadSignedPrekey(spk));
    }
  }
  if (record.unsynced) ({ record, secrets } = await pushVault(api, record, secrets));
  await deps.records.putVault(record);
  if (!same(secrets, start)) await deps.custody.replace(secrets);
}

/** The hourly upkeep, then self-monitoring once a day (docs/spec/transparency-v1.md §9.2). */
export async function runUpkeep(deps: UpkeepDeps): Promise<void> {
  await exclusiveVault(() => upkeep(deps, true));
  const secrets = await deps.custody.current();
  if (secrets)
    await createTransparencyService(deps.records, deps.server, deps.now)
      .selfCheck(secrets, false)
      .catch((e) => console.warn('transparency self-check failed', e));
}

/** Pushes local vault changes now (after an open deleted a prekey); a failure waits for the next upkeep. */
export function syncVaultNow(deps: UpkeepDeps): Promise<void> {
  return exclusiveVault(() => upkeep(deps, false));
}
