// Claiming another inbox address on the service domain, and releasing one. A claim adds the
// address to the account (docs/api.md POST /account/addresses), gives the OpenPGP key a user ID
// for it (shared/pgp/user-ids.ts; same key material), keeps that key in the vault and publishes
// it, so the directory binds the address and arrivals are sealed to a key this vault opens. A
// release deletes the mailbox on the server for good (DELETE /inboxes/:address).

import { normalizeAddress, sameAddress } from '../../../shared/address.ts';
import { isApiClientError } from '../../../shared/api/client.ts';
import { withUserIds } from '../../../shared/pgp/user-ids.ts';
import { ExtensionError } from '../errors.ts';
import { serverCall } from '../server.ts';
import { exclusiveVault, pushVault } from '../vault-sync.ts';
import type { KeyringDeps } from './keyring-custody.ts';

async function context(deps: KeyringDeps) {
  const secrets = await deps.custody.current();
  if (!secrets) throw new ExtensionError('locked', 'Unlock first.');
  const record = await deps.records.vault();
  if (!record) throw new ExtensionError('no_account', 'No account on this device.');
  return { secrets, record, api: deps.server.api(record.serverUrl) };
}

export function claimInbox(deps: KeyringDeps, address: string): Promise<void> {
  const wanted = normalizeAddress(address);
  return exclusiveVault(async () => {
    const { secrets, record, api } = await context(deps);
    if (secrets.identity.revoked)
      throw new ExtensionError(
        'invalid_key',
        'The key is revoked: mail to a new inbox could not be sealed to it.',
      );
    await serverCall(record.serverUrl, async () => {
      try {
        await api.account.addAddress({ address: wanted });
      } catch (e) {
        // A claim that stopped after this step (offline) is finished by asking again.
        const owned = (await api.account.get()).addresses.some((a) => a.address === wanted);
        if (!(isApiClientError(e) && e.status === 409 && owned)) throw e;
      }
    });
    const pgp = secrets.identity.pgp;
    const key = await withUserIds(pgp.privateKey, pgp.keyPassphrase, [wanted]);
    const next = {
      ...secrets,
      addresses: [...new Set([...secrets.addresses, wanted])],
      identity: { ...secrets.identity, pgp: { ...pgp, privateKey: key.privateKey } },
    };
    // The vault first: what the directory publishes must always be a key the vault holds.
    const pushed = await serverCall(record.serverUrl, () => pushVault(api, record, next));
    await deps.records.putVault(pushed.record);
    await deps.custody.replace(pushed.secrets);
    await serverCall(record.serverUrl, () => api.directory.publishKeys({ openpgpKey: key.publicKey }));
  });
}

export function releaseInbox(deps: KeyringDeps, address: string): Promise<void> {
  const gone = normalizeAddress(address);
  return exclusiveVault(async () => {
    const { secrets, record, api } = await context(deps);
    // The account signs in with this address: without it, no device could log in again.
    if (sameAddress(gone, record.address))
      throw new ExtensionError('bad_request', 'This inbox is the address the account signs in with.');
    // The server refuses the account's last sign-in address too (docs/api.md, release): with its own code.
    await serverCall(record.serverUrl, () => api.inbox.release(gone)).catch((e: unknown) => {
      if ((e as { serverCode?: unknown }).serverCode !== 'last_sign_in_address') throw e;
      throw new ExtensionError('last_sign_in_address', (e as Error).message);
    });
    const next = { ...secrets, addresses: secrets.addresses.filter((a) => a !== gone) };
    const pushed = await serverCall(record.serverUrl, () => pushVault(api, record, next));
    await deps.records.putVault(pushed.record);
    await deps.custody.replace(pushed.secrets);
  });
}
