// Account lifecycle in the background: create (keys made here, vault sealed with the wrap key,
// registered), restore on a new device (KDF parameters → login → vault → unwrap here), unlock,
// key import, recovery copy and revocation. The passphrase never leaves this module; only the
// auth key goes to the server.

import { z } from 'zod';
import { normalizeAddress } from '../../shared/address.ts';
import { fromServerKdf, toServerKdf } from '../../shared/api/kdf-params.ts';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../../shared/encoding.ts';
import { isNoiseError } from '../../shared/errors.ts';
import {
  derivePassphraseKeys,
  KDF_DEFAULT_COST,
  type KdfCost,
  type KdfParams,
  newKdfParams,
} from '../../shared/kdf/passphrase.ts';
import { RANDOM_PASSPHRASE_CONFIG } from '../../shared/pgp/config.ts';
import { unlockPrivateKey } from '../../shared/pgp/keys.ts';
import { revokeKey } from '../../shared/pgp/revocation.ts';
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
import {
  fingerprintsOf,
  generateIdentitySecrets,
  IdentitySecrets,
  type ProgressReport,
  publicEnvelopeKeys,
  publicPgpKey,
  readKeyInfo,
} from './identity.ts';
import { InboxKeyring } from './inbox/keyring.ts';
import { type AccountServer, DEVICE_NAME, serverCall } from './server.ts';
import { pushVault } from './vault-sync.ts';

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
