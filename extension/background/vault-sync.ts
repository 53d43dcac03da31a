// Keeping this device's vault and the Worker's copy the same. Writes are compare-and-swap on the
// version; on a conflict the server's copy is merged in (vault-merge.ts) and the write retried. A
// change made while offline (a one-time prekey deleted after an open) is sealed locally at once
// and marked unsynced; the next sync pushes it. Every writer runs through `exclusiveVault`, so two
// changes in one background never start from the same old copy.

import type { ApiClient } from '../../shared/api/client.ts';
import { fromBase64Url } from '../../shared/encoding.ts';
import { decodeVault, openVault as openSealed } from '../../shared/vault/index.ts';
import type { VaultRecord } from '../store/schema.ts';
import { type AccountSecrets, decodeContents, reseal, sealRecoveryCopy } from './account.ts';
import { mergeSecrets } from './vault-merge.ts';

let queue: Promise<unknown> = Promise.resolve();

/** Runs vault writers one at a time in this background. */
export function exclusiveVault<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => {});
  return run;
}

const isConflict = (e: unknown) => (e as { status?: number }).status === 412;

/** Opens a vault blob of this account with the unlocked wrap key. */
export async function vaultContentsOf(blob: string, secrets: AccountSecrets, address: string) {
  return decodeContents(await openSealed(decodeVault(blob), fromBase64Url(secrets.wrapKey), address));
}

/** Seals the secrets into the local record only, to be pushed later. */
export async function saveLocally(record: VaultRecord, secrets: AccountSecrets): Promise<VaultRecord> {
  return { ...record, ...(await reseal(record, secrets)), unsynced: true, updatedAt: Date.now() };
}

/** Pushes the secrets; on a compare-and-swap conflict merges with the server's copy and retries. */
export async function pushVault(
  api: ApiClient,
  record: VaultRecord,
  secrets: AccountSecrets,
): Promise<{ record: VaultRecord; secrets: AccountSecrets }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const sealed = await reseal(record, secrets);
    try {
      const { version } = await api.vault.put(sealed.blob, record.version);
      const { unsynced: _pushed, ...rest } = record;
      return { record: { ...rest, ...sealed, version, updatedAt: Date.now() }, secrets };
    } catch (e) {
      if (!isConflict(e)) throw e;
      const remote = await api.vault.get();
      const theirs = await vaultContentsOf(remote.vault, secrets, record.address);
      secrets = mergeSecrets(secrets, theirs);
      record = { ...record, blob: remote.vault, version: remote.version };
    }
  }
  throw new Error('vault sync kept conflicting');
}

/**
 * Brings in what other devices wrote (their tombstones above all) and pushes what this one has
 * not. `changed` says whether the secrets differ from the ones given.
 */
export async function reconcileVault(
  api: ApiClient,
  record: VaultRecord,
  secrets: AccountSecrets,
): Promise<{ record: VaultRecord; secrets: AccountSecrets; changed: boolean }> {
  const remote = await api.vault.get();
  if (remote.version === record.version && !record.unsynced) return { record, secrets, changed: false };
  const theirs = await vaultContentsOf(remote.vault, secrets, record.address);
  const merged = mergeSecrets(secrets, theirs);
  // What the vault holds (account.ts passphraseContents): identity, addresses, recovery key, inbox keys.
  const held = (x: { identity: unknown; addresses: unknown; recovery?: unknown; inbox?: unknown }) =>
    JSON.stringify([x.identity, x.addresses, x.recovery ?? null, x.inbox ?? null]);
  const changed = held(merged) !== held(secrets);
  if (held(merged) === held(theirs)) {
    // The server's copy already holds everything: adopt it, and reseal the recovery copy, which
    // must not keep prekeys the merge dropped.
    const { unsynced: _none, ...rest } = record;
    const recoveryBlob = (await sealRecoveryCopy(merged, record.address)) ?? record.recoveryBlob;
    return {
      record: {
        ...rest,
        blob: remote.vault,
        version: remote.version,
        ...(recoveryBlob ? { recoveryBlob } : {}),
        updatedAt: Date.now(),
      },
      secrets: merged,
      changed,
    };
  }
  const pushed = await pushVault(api, { ...record, version: remote.version, blob: remote.vault }, merged);
  return { ...pushed, changed };
}
