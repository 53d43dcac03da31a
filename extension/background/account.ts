// The account's secrets in the background: the vault's plaintext (what it holds; sealed under
// the passphrase's wrap key, resealed with its recovery copy), unlocking the local copy, the
// recovery sheet and the backup file. New accounts and restores are account-setup.ts, OpenPGP key
// import and revocation pgp-key-changes.ts. The passphrase goes no further than these modules;
// only the auth key goes to the server.

import { z } from 'zod';
import { toServerKdf } from '../../shared/api/kdf-params.ts';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../shared/encoding.ts';
import { isNoiseError } from '../../shared/errors.ts';
import {
  derivePassphraseKeys,
  KDF_DEFAULT_COST,
  type KdfCost,
  type KdfParams,
} from '../../shared/kdf/passphrase.ts';
import {
  decodeVault,
  encodeVault,
  generateRecoveryCode,
  openVault as openSealed,
  type RecoveryKdfParams,
  recoveryKey,
  sealVault,
} from '../../shared/vault/index.ts';
import type { VaultRecord } from '../store/schema.ts';
import { ExtensionError } from './errors.ts';
import { IdentitySecrets, type ProgressReport } from './identity.ts';
import { InboxKeyring } from './inbox/keyring.ts';
import { type AccountServer, DEVICE_NAME, serverCall } from './server.ts';

/**
 * Argon2id cost of new vaults. Production uses the strong default (RFC 9106 §4 second option:
 * 64 MiB, t = 3, p = 4). The Worker's schema pins exactly these values for registration, so
 * there is no weaker development setting; the parameters still travel inside the vault blob.
 */
export const VAULT_KDF_COST: KdfCost = KDF_DEFAULT_COST;

export { DEVICE_NAME, toServerKdf };

/** The vault's plaintext. */
const VaultContents = z.strictObject({
  v: z.literal(1),
  identity: IdentitySecrets,
  addresses: z.array(z.string()),
  /** Only in the recovery copy: the server auth key, so a reset can change the passphrase there too. */
  authKey: z.string().optional(),
  /** The recovery copy's key and salt (base64url), kept so every vault change reseals that copy too. */
  recovery: z.strictObject({ key: z.string(), salt: z.string() }).optional(),
  /** The inbox keys (docs/spec/mailbox-v1.md §2.1, inbox/keyring.ts), once the inbox was used. */
  inbox: InboxKeyring.optional(),
});
export type VaultContents = z.infer<typeof VaultContents>;

/**
 * What the background holds while unlocked (memory + storage.session, never disk). The server
 * session is not here: the API client keeps it (session-store.ts), so it outlives a lock.
 */
export interface AccountSecrets {
  identity: IdentitySecrets;
  addresses: string[];
  /** base64url; the vault key, kept to reseal after upkeep and key changes. */
  wrapKey: string;
  /** base64url; proves the passphrase to the server (login). */
  authKey: string;
  /** The recovery copy's key and salt, once a recovery sheet was made (VaultContents.recovery). */
  recovery?: { key: string; salt: string } | undefined;
  /** The inbox keys (VaultContents.inbox). */
  inbox?: InboxKeyring | undefined;
}

export function encodeContents(c: VaultContents): Uint8Array {
  return utf8(JSON.stringify(c));
}

export function decodeContents(bytes: Uint8Array): VaultContents {
  const parsed = VaultContents.safeParse(JSON.parse(fromUtf8(bytes)));
  if (!parsed.success)
    throw new ExtensionError('invalid_key', 'The vault contents are not in a known format.');
  return parsed.data;
}

export async function derive(passphrase: string, kdf: KdfParams, progress?: ProgressReport) {
  return derivePassphraseKeys(passphrase, kdf, {
    ...(progress ? { onProgress: (f: number) => progress('kdf', Math.round(f * 100), 100) } : {}),
  });
}

/** The unlocked secrets from a vault's plaintext and the keys its passphrase gives. */
export function secretsOf(
  contents: VaultContents,
  keys: { wrapKey: Uint8Array | string; authKey: string | Uint8Array },
): AccountSecrets {
  return {
    identity: contents.identity,
    addresses: contents.addresses,
    wrapKey: typeof keys.wrapKey === 'string' ? keys.wrapKey : toBase64Url(keys.wrapKey),
    authKey: typeof keys.authKey === 'string' ? keys.authKey : toBase64Url(keys.authKey),
    recovery: contents.recovery,
    inbox: contents.inbox,
  };
}

/** The passphrase copy's plaintext: everything but the auth key, which the passphrase gives. */
export function passphraseContents(secrets: AccountSecrets): VaultContents {
  return {
    v: 1,
    identity: secrets.identity,
    addresses: secrets.addresses,
    ...(secrets.recovery ? { recovery: secrets.recovery } : {}),
    ...(secrets.inbox ? { inbox: secrets.inbox } : {}),
  };
}

/**
 * The recovery copy for the current secrets, or undefined without a recovery sheet. It holds
 * the auth key too, so a reset by code can change the passphrase on the Worker.
 */
export async function sealRecoveryCopy(
  secrets: AccountSecrets,
  address: string,
): Promise<string | undefined> {
  if (!secrets.recovery) return undefined;
  const contents: VaultContents = { ...passphraseContents(secrets), authKey: secrets.authKey };
  const kdf: RecoveryKdfParams = { v: 1, alg: 'recovery-code', salt: secrets.recovery.salt };
  return encodeVault(
    await sealVault(encodeContents(contents), fromBase64Url(secrets.recovery.key), kdf, address),
  );
}

/**
 * Seals the secrets under their wrap key, keeping the record's KDF parameters, and reseals the
 * recovery copy with them: a copy left behind would bring back old keys on a reset by code.
 */
export async function reseal(
  record: VaultRecord,
  secrets: AccountSecrets,
): Promise<Pick<VaultRecord, 'blob' | 'recoveryBlob'>> {
  const blob = decodeVault(record.blob);
  const sealed = encodeVault(
    await sealVault(
      encodeContents(passphraseContents(secrets)),
      fromBase64Url(secrets.wrapKey),
      blob.kdf,
      record.address,
    ),
  );
  const recoveryBlob = (await sealRecoveryCopy(secrets, record.address)) ?? record.recoveryBlob;
  return { blob: sealed, ...(recoveryBlob ? { recoveryBlob } : {}) };
}

/** Opens the local vault copy; a wrong passphrase is ExtensionError('bad_passphrase'). */
export async function openVault(record: VaultRecord, passphrase: string): Promise<AccountSecrets> {
  const blob = decodeVault(record.blob);
  if (blob.kdf.alg !== 'argon2id')
    throw new ExtensionError('invalid_key', 'This vault copy opens with the recovery code.');
  const keys = await derive(passphrase, blob.kdf);
  try {
    const contents = decodeContents(await openSealed(blob, keys.wrapKey, record.address));
    return secretsOf(contents, keys);
  } catch (e) {
    if (isNoiseError(e, 'bad_passphrase')) throw new ExtensionError('bad_passphrase', 'Wrong passphrase.');
    throw e;
  }
}

export async function fetchPrekeyStock(server: AccountServer, record: VaultRecord) {
  return serverCall(record.serverUrl, () => server.api(record.serverUrl).directory.prekeyStock());
}

/** The encrypted backup file: the wrapped vault (it opens with the passphrase) and how to find its account. */
export function exportBackup(record: VaultRecord): string {
  return JSON.stringify(
    {
      format: 'noise-email-backup/v1',
      address: record.address,
      server: record.serverUrl,
      vault: record.blob,
      recovery: record.recoveryBlob ?? null,
    },
    null,
    2,
  );
}

/**
 * A second copy of the vault sealed under a fresh recovery code (shown once, for printing).
 * Its key joins the vault (the caller pushes it to the Worker), so that every later change
 * (a key import, a prekey rotation, a passphrase change) reseals this copy too.
 */
export async function makeRecovery(
  record: VaultRecord,
  secrets: AccountSecrets,
): Promise<{ code: string; record: VaultRecord; next: AccountSecrets }> {
  const code = generateRecoveryCode();
  const kdf: RecoveryKdfParams = {
    v: 1,
    alg: 'recovery-code',
    salt: toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
  };
  const key = recoveryKey(code, kdf);
  const next: AccountSecrets = { ...secrets, recovery: { key: toBase64Url(key), salt: kdf.salt } };
  key.fill(0);
  return { code, record: { ...record, ...(await reseal(record, next)) }, next };
}
