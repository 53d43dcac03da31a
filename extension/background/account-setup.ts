// A new account, and an existing one on a new device: the address verified, keys made here and
// the vault sealed under the passphrase's wrap key, then registered; or KDF parameters, login,
// the vault fetched and opened here. Only the auth key goes to the server (docs/threat-model.md).

import { normalizeAddress } from '../../shared/address.ts';
import { fromServerKdf, toServerKdf } from '../../shared/api/kdf-params.ts';
import { toBase64Url } from '../../shared/encoding.ts';
import { type KdfParams, newKdfParams } from '../../shared/kdf/passphrase.ts';
import { decodeVault, encodeVault, openVault as openSealed, sealVault } from '../../shared/vault/index.ts';
import type { VaultRecord } from '../store/schema.ts';
import {
  type AccountSecrets,
  decodeContents,
  derive,
  encodeContents,
  secretsOf,
  VAULT_KDF_COST,
  type VaultContents,
} from './account.ts';
import {
  fingerprintsOf,
  generateIdentitySecrets,
  type ProgressReport,
  publicEnvelopeKeys,
  publicPgpKey,
} from './identity.ts';
import { type AccountServer, DEVICE_NAME, serverCall } from './server.ts';

export async function startVerification(
  server: AccountServer,
  serverUrl: string,
  address: string,
): Promise<string> {
  return serverCall(
    serverUrl,
    async () => (await server.anonymous(serverUrl).verification.start(address)).verificationId,
  );
}

export async function createAccount(
  server: AccountServer,
  args: {
    serverUrl: string;
    address: string;
    code: string;
    passphrase: string;
    claimInbox?: string | undefined;
    verificationId: string;
  },
  progress: ProgressReport,
): Promise<{ record: VaultRecord; secrets: AccountSecrets }> {
  const api = server.api(args.serverUrl);
  const address = normalizeAddress(args.address);
  // Confirm the code first: a typo should not cost a key generation.
  const { proofToken } = await serverCall(args.serverUrl, () =>
    api.verification.confirm(args.verificationId, args.code),
  );
  const inbox = args.claimInbox === undefined ? undefined : normalizeAddress(args.claimInbox);
  const identity = await generateIdentitySecrets(address, progress, inbox ? [inbox] : []);
  progress('kdf', 0, 100);
  const kdf = newKdfParams({ cost: VAULT_KDF_COST });
  const keys = await derive(args.passphrase, kdf, progress);
  progress('seal', 0, 1);
  const contents: VaultContents = { v: 1, identity, addresses: [address] };
  const blob = encodeVault(await sealVault(encodeContents(contents), keys.wrapKey, kdf, address));
  progress('register', 0, 1);
  const authKey = toBase64Url(keys.authKey);
  const openpgpKey = await publicPgpKey(identity);
  // The session registration returns is the device's one session: the client keeps it.
  const account = await serverCall(args.serverUrl, async () => {
    await api.register({
      address,
      proofToken,
      kdf: toServerKdf(kdf),
      authKey,
      vault: blob,
      keys: { openpgpKey, envelope: publicEnvelopeKeys(identity) },
      deviceName: DEVICE_NAME,
    });
    // A service-domain inbox is claimed, then the key republished so the directory binds it too.
    if (inbox) {
      await api.account.addAddress({ address: inbox });
      await api.directory.publishKeys({ openpgpKey });
    }
    return api.account.get();
  });
  const secrets: AccountSecrets = {
    identity,
    addresses: account.addresses.map((a) => a.address),
    wrapKey: toBase64Url(keys.wrapKey),
    authKey,
  };
  const record: VaultRecord = {
    id: 'self',
    address,
    serverUrl: args.serverUrl,
    blob,
    version: account.vaultVersion,
    fingerprints: fingerprintsOf(identity),
    updatedAt: Date.now(),
  };
  progress('done', 1, 1);
  return { record, secrets };
}

export async function restoreAccount(
  server: AccountServer,
  args: { serverUrl: string; address: string; passphrase: string },
  progress: ProgressReport,
): Promise<{ record: VaultRecord; secrets: AccountSecrets }> {
  const api = server.api(args.serverUrl);
  const address = normalizeAddress(args.address);
  progress('kdf', 0, 100);
  const kdf = fromServerKdf(await serverCall(args.serverUrl, () => api.kdfParams(address)));
  const keys = await derive(args.passphrase, kdf, progress);
  progress('login', 0, 1);
  const authKey = toBase64Url(keys.authKey);
  // This device's first session: the client keeps it from here on.
  await serverCall(args.serverUrl, () => api.login({ address, authKey, deviceName: DEVICE_NAME }));
  progress('vault', 0, 1);
  const { vault, version } = await serverCall(args.serverUrl, () => api.vault.get());
  const blob = decodeVault(vault);
  // The vault's own parameters decide its key; they equal the login parameters unless the
  // passphrase was changed elsewhere with different ones.
  const wrapKey =
    JSON.stringify(blob.kdf) === JSON.stringify(kdf)
      ? keys.wrapKey
      : (await derive(args.passphrase, blob.kdf as KdfParams)).wrapKey;
  const contents = decodeContents(await openSealed(blob, wrapKey, address));
  const secrets = secretsOf(contents, { wrapKey, authKey });
  progress('done', 1, 1);
  return {
    record: {
      id: 'self',
      address,
      serverUrl: args.serverUrl,
      blob: vault,
      version,
      fingerprints: fingerprintsOf(contents.identity),
      updatedAt: Date.now(),
    },
    secrets,
  };
}
