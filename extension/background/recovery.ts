// Forgotten passphrase: the recovery copy (this device's or an exported backup file's) opens
// with the recovery code, or a backup file with the old passphrase; a new passphrase reseals
// the vault here and, when the old auth key is known, on the Worker in the same step.

import { z } from 'zod';
import { normalizeAddress } from '../../shared/address.ts';
import { toBase64Url } from '../../shared/encoding.ts';
import { isNoiseError } from '../../shared/errors.ts';
import { newKdfParams } from '../../shared/kdf/passphrase.ts';
import {
  decodeVault,
  encodeVault,
  openVaultWithRecoveryCode,
  recoveryKey,
  sealVault,
} from '../../shared/vault/index.ts';
import type { VaultRecord } from '../store/schema.ts';
import {
  type AccountSecrets,
  DEVICE_NAME,
  decodeContents,
  derive,
  encodeContents,
  openVault,
  passphraseContents,
  sealRecoveryCopy,
  secretsOf,
  toServerKdf,
  VAULT_KDF_COST,
  type VaultContents,
} from './account.ts';
import { ExtensionError } from './errors.ts';
import { fingerprintsOf, type ProgressReport } from './identity.ts';
import { type AccountServer, serverCall } from './server.ts';

const BackupFile = z.object({
  format: z.literal('noise-email-backup/v1'),
  address: z.string().min(3),
  server: z.string().url(),
  vault: z.string().min(1),
  recovery: z.string().min(1).nullable(),
});

/** Reads an exported backup file (exportBackup) as a vault record for this device. */
export function readBackup(contents: string): VaultRecord {
  let parsed: z.infer<typeof BackupFile>;
  try {
    parsed = BackupFile.parse(JSON.parse(contents));
  } catch {
    throw new ExtensionError('bad_request', 'This is not a Noise Email backup file.');
  }
  decodeVault(parsed.vault);
  return {
    id: 'self',
    address: normalizeAddress(parsed.address),
    serverUrl: parsed.server,
    blob: parsed.vault,
    version: 0,
    ...(parsed.recovery ? { recoveryBlob: parsed.recovery } : {}),
    fingerprints: { pgp: '', envelope: '' },
    updatedAt: Date.now(),
  };
}

/**
 * Sets a new passphrase on a vault opened with the recovery code (its recovery copy) or with
 * the old passphrase (e.g. from a backup file). The vault is resealed under the new key; when
 * the old auth key is known, the Worker's passphrase change rewraps auth key, KDF parameters
 * and vault in one step (its other sessions are revoked). serverUpdated says whether it did.
 */
export async function resetPassphrase(
  server: AccountServer,
  source: VaultRecord,
  proof: { code: string } | { passphrase: string },
  newPassphrase: string,
  progress: ProgressReport,
): Promise<{ record: VaultRecord; secrets: AccountSecrets; serverUpdated: boolean }> {
  let contents: VaultContents;
  let oldAuthKey: string | undefined;
  if ('code' in proof) {
    if (!source.recoveryBlob)
      throw new ExtensionError('not_found', 'This copy of the vault has no recovery code copy.');
    try {
      const plain = await openVaultWithRecoveryCode(
        decodeVault(source.recoveryBlob),
        proof.code,
        source.address,
      );
      contents = decodeContents(plain);
      // Copies made before the vault kept the recovery key: the code gives it back.
      if (!contents.recovery) {
        const { kdf } = decodeVault(source.recoveryBlob);
        if (kdf.alg === 'recovery-code') {
          const key = recoveryKey(proof.code, kdf);
          contents = { ...contents, recovery: { key: toBase64Url(key), salt: kdf.salt } };
          key.fill(0);
        }
      }
    } catch (e) {
      if (isNoiseError(e, 'bad_passphrase'))
        throw new ExtensionError('bad_passphrase', 'Wrong recovery code.');
      if (isNoiseError(e, 'invalid_argument'))
        throw new ExtensionError('bad_request', 'That is not a recovery code: check its letters.');
      throw e;
    }
    oldAuthKey = contents.authKey;
  } else {
    const opened = await openVault(source, proof.passphrase);
    contents = passphraseContents(opened);
    oldAuthKey = opened.authKey;
  }
  progress('kdf', 0, 100);
  const kdf = newKdfParams({ cost: VAULT_KDF_COST });
  const keys = await derive(newPassphrase, kdf, progress);
  progress('seal', 0, 1);
  const secrets = secretsOf(contents, keys);
  const blob = encodeVault(
    await sealVault(encodeContents(passphraseContents(secrets)), keys.wrapKey, kdf, source.address),
  );
  // The recovery copy keeps its code but now carries the new auth key.
  const recoveryBlob = (await sealRecoveryCopy(secrets, source.address)) ?? source.recoveryBlob;
  let version = source.version;
  let serverUpdated = false;
  if (oldAuthKey) {
    progress('server', 0, 1);
    const api = server.api(source.serverUrl);
    try {
      await serverCall(source.serverUrl, async () => {
        // One explicit login with the old auth key: its session is this device's from here on
        // (the passphrase change revokes the account's other sessions).
        await api.login({ address: source.address, authKey: oldAuthKey, deviceName: DEVICE_NAME });
        const current = await api.vault.get();
        version = (
          await api.account.changePassphrase({
            currentAuthKey: oldAuthKey,
            newAuthKey: secrets.authKey,
            kdf: toServerKdf(kdf),
            vault: blob,
            vaultVersion: current.version,
          })
        ).version;
      });
      serverUpdated = true;
    } catch (e) {
      // Offline, or the server already has another passphrase: the local reset still stands.
      if (!(e instanceof ExtensionError)) throw e;
    }
  }
  progress('done', 1, 1);
  const record: VaultRecord = {
    ...source,
    blob,
    ...(recoveryBlob ? { recoveryBlob } : {}),
    version,
    fingerprints: fingerprintsOf(contents.identity),
    updatedAt: Date.now(),
  };
  return { record, secrets, serverUpdated };
}
