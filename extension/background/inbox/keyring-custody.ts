// The inbox keys in the unlocked vault: made on first need, rotated on request, and brought in
// from the Worker's copy when an object names a key this device has not seen (another device
// rotated). Every change is pushed to the Worker before anything is sealed with it, so no object
// is ever sealed under a key that only one device's memory holds.

import type { Records } from '../../store/records.ts';
import type { AccountSecrets } from '../account.ts';
import type { Custody } from '../custody.ts';
import { ExtensionError } from '../errors.ts';
import { type AccountServer, serverCall } from '../server.ts';
import { exclusiveVault, pushVault, reconcileVault } from '../vault-sync.ts';
import { type InboxKeyring, newInboxKeyring, rotateInboxKeyring } from './keyring.ts';

export interface KeyringDeps {
  records: Records;
  custody: Custody<AccountSecrets>;
  server: AccountServer;
}

async function unlocked(custody: Custody<AccountSecrets>): Promise<AccountSecrets> {
  const s = await custody.current();
  if (!s) throw new ExtensionError('locked', 'Unlock first.');
  return s;
}

/** Writes changed secrets to the Worker's vault, then to this device's copy and custody. */
async function commit(deps: KeyringDeps, next: AccountSecrets): Promise<AccountSecrets> {
  const record = await deps.records.vault();
  if (!record) throw new ExtensionError('no_account', 'No account on this device.');
  const pushed = await serverCall(record.serverUrl, () =>
    pushVault(deps.server.api(record.serverUrl), record, next),
  );
  await deps.records.putVault(pushed.record);
  await deps.custody.replace(pushed.secrets);
  return pushed.secrets;
}

/** The unlocked ring, made (and pushed) the first time the inbox needs one. */
export async function inboxKeyring(deps: KeyringDeps): Promise<InboxKeyring> {
  const held = (await unlocked(deps.custody)).inbox;
  if (held) return held;
  return exclusiveVault(async () => {
    const current = await unlocked(deps.custody);
    if (current.inbox) return current.inbox;
    const next = await commit(deps, { ...current, inbox: newInboxKeyring() });
    return next.inbox as InboxKeyring;
  });
}

/** A new current key; the re-encryption pass (rotation.ts) then moves stored objects to it. */
export function rotateInboxKey(deps: KeyringDeps, now = Date.now()): Promise<InboxKeyring> {
  return exclusiveVault(async () => {
    const current = await unlocked(deps.custody);
    const ring = current.inbox ? rotateInboxKeyring(current.inbox, now) : newInboxKeyring(now);
    const next = await commit(deps, { ...current, inbox: ring });
    return next.inbox as InboxKeyring;
  });
}

/** Brings in the Worker's copy of the vault (another device's new inbox key); returns the ring. */
export function syncInboxKeyring(deps: KeyringDeps): Promise<InboxKeyring | undefined> {
  return exclusiveVault(async () => {
    const current = await unlocked(deps.custody);
    const record = await deps.records.vault();
    if (!record) throw new ExtensionError('no_account', 'No account on this device.');
    const out = await serverCall(record.serverUrl, () =>
      reconcileVault(deps.server.api(record.serverUrl), record, current),
    );
    await deps.records.putVault(out.record);
    if (out.changed) await deps.custody.replace(out.secrets);
    return out.secrets.inbox;
  });
}
