// Changes to the account's OpenPGP key: an imported secret key made the identity's key, and
// the key's revocation. Each is published to the directory first, then pushed in the vault.

import { normalizeAddress } from '../../shared/address.ts';
import { toBase64Url } from '../../shared/encoding.ts';
import { isNoiseError } from '../../shared/errors.ts';
import { RANDOM_PASSPHRASE_CONFIG } from '../../shared/pgp/config.ts';
import { unlockPrivateKey } from '../../shared/pgp/keys.ts';
import { revokeKey } from '../../shared/pgp/revocation.ts';
import type { VaultRecord } from '../store/schema.ts';
import type { AccountSecrets } from './account.ts';
import { ExtensionError } from './errors.ts';
import { fingerprintsOf, publicPgpKey, readKeyInfo } from './identity.ts';
import { type AccountServer, serverCall } from './server.ts';
import { pushVault } from './vault-sync.ts';

/**
 * Makes an imported OpenPGP secret key the identity's PGP key: it must unlock with its
 * passphrase and carry the account address; it is published, then the vault is updated.
 */
export async function importPgpKey(
  server: AccountServer,
  record: VaultRecord,
  secrets: AccountSecrets,
  armoredKey: string,
  keyPassphrase: string,
): Promise<{ next: AccountSecrets; record: VaultRecord }> {
  let unlocked: Awaited<ReturnType<typeof unlockPrivateKey>>;
  try {
    unlocked = await unlockPrivateKey(armoredKey, keyPassphrase);
  } catch (e) {
    if (isNoiseError(e, 'bad_passphrase'))
      throw new ExtensionError('bad_passphrase', 'That passphrase does not unlock the key.');
    throw new ExtensionError('invalid_key', 'This is not a readable OpenPGP secret key.');
  }
  const info = await readKeyInfo(unlocked);
  if (!info.canEncrypt || info.revoked || info.expired || info.weakness) {
    throw new ExtensionError(
      'invalid_key',
      info.weakness ?? 'This key cannot encrypt (revoked, expired or no encryption subkey).',
    );
  }
  const emails = info.userIds.map((u) => normalizeAddress(u.email));
  if (!secrets.addresses.some((a) => emails.includes(a))) {
    throw new ExtensionError('invalid_key', `The key has no user ID for ${secrets.addresses.join(', ')}.`);
  }
  // Re-protect under a fresh random passphrase kept only inside the vault.
  const keyPassphraseInVault = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const { encryptKey } = await import('openpgp');
  const reprotected = (
    await encryptKey({
      privateKey: unlocked,
      passphrase: keyPassphraseInVault,
      config: RANDOM_PASSPHRASE_CONFIG,
    })
  ).armor();
  const next: AccountSecrets = {
    ...secrets,
    identity: {
      ...secrets.identity,
      pgp: {
        privateKey: reprotected,
        keyPassphrase: keyPassphraseInVault,
        revocationCertificate: null,
        fingerprint: info.fingerprint,
      },
      revoked: false,
    },
  };
  const openpgpKey = await publicPgpKey(next.identity);
  const api = server.api(record.serverUrl);
  await serverCall(record.serverUrl, () => api.directory.publishKeys({ openpgpKey }));
  const updated = await pushVault(api, record, next);
  return {
    next: updated.secrets,
    record: { ...updated.record, fingerprints: fingerprintsOf(next.identity) },
  };
}

/** Revokes the PGP key and publishes the revocation to the directory. */
export async function publishRevocation(
  server: AccountServer,
  record: VaultRecord,
  secrets: AccountSecrets,
): Promise<{ next: AccountSecrets; record: VaultRecord }> {
  const key = await unlockPrivateKey(secrets.identity.pgp.privateKey, secrets.identity.pgp.keyPassphrase);
  const revoked = await revokeKey({ key, reason: 'retired' });
  const api = server.api(record.serverUrl);
  await serverCall(record.serverUrl, () => api.directory.publishRevocation(revoked));
  const next: AccountSecrets = { ...secrets, identity: { ...secrets.identity, revoked: true } };
  const pushed = await pushVault(api, record, next);
  return { next: pushed.secrets, record: pushed.record };
}
