// The key vault blob: the client's private keys as JSON-serialisable AES-256-GCM ciphertext under the
// wrap key (shared/kdf/passphrase.ts), or under a recovery code for the printable sheet.
// AD = LABEL_VAULT ‖ 0x00 ‖ JSON(kdf) ‖ 0x00 ‖ lowercased address: the blob cannot be moved to
// another account, nor its parameters swapped, without failing authentication.

import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { normalizeAddress } from '../address.ts';
import { concatBytes, fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import {
  checkKdfParams,
  derivePassphraseKeys,
  type KdfCheckOptions,
  type KdfCost,
  type KdfParams,
  newKdfParams,
} from '../kdf/passphrase.ts';
import { generateRecoveryCode, normalizeRecoveryCode } from './recovery.ts';

const LABEL_VAULT = 'noise.email/vault/v1';
const LABEL_RECOVERY_KEY = 'noise.email/vault/v1/recovery-key';

/** The recovery copy's key comes from the code by HKDF; the salt still makes each copy distinct. */
export interface RecoveryKdfParams {
  v: 1;
  alg: 'recovery-code';
  salt: string;
}

export interface VaultBlob {
  v: 1;
  kdf: KdfParams | RecoveryKdfParams;
  /** base64url, 12 bytes. */
  nonce: string;
  /** base64url, AES-256-GCM ciphertext with its 16-byte tag. */
  ciphertext: string;
}

export interface VaultOptions extends KdfCheckOptions {
  random?: (n: number) => Uint8Array;
  /** Argon2id cost of a new passphrase vault (default KDF_DEFAULT_COST). */
  cost?: KdfCost;
}

/** Refuse absurd blobs before any work: 1 MiB of ciphertext, as the Worker does. */
const MAX_CIPHERTEXT_CHARS = Math.ceil((1024 * 1024 * 4) / 3);

function randomBytes(opts: VaultOptions, n: number): Uint8Array {
  return opts.random ? opts.random(n) : crypto.getRandomValues(new Uint8Array(n));
}

function associatedData(kdf: VaultBlob['kdf'], address: string): Uint8Array {
  const kdfJson =
    kdf.alg === 'argon2id'
      ? JSON.stringify({ v: kdf.v, alg: kdf.alg, m: kdf.m, t: kdf.t, p: kdf.p, salt: kdf.salt })
      : JSON.stringify({ v: kdf.v, alg: kdf.alg, salt: kdf.salt });
  return concatBytes(
    utf8(LABEL_VAULT),
    new Uint8Array([0]),
    utf8(kdfJson),
    new Uint8Array([0]),
    utf8(normalizeAddress(address)),
  );
}

function aesKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
}

/** Strict shape check of a stored or downloaded blob. */
export function checkVaultBlob(blob: unknown, opts: KdfCheckOptions = {}): VaultBlob {
  if (typeof blob !== 'object' || blob === null || Array.isArray(blob))
    throw new NoiseError('malformed', 'vault: expected an object');
  const o = blob as Record<string, unknown>;
  if (Object.keys(o).sort().join() !== 'ciphertext,kdf,nonce,v')
    throw new NoiseError('malformed', 'vault: unexpected fields');
  if (o.v !== 1) throw new NoiseError('unsupported', 'vault: unknown version');
  let kdf: VaultBlob['kdf'];
  const k = o.kdf as Record<string, unknown> | null;
  if (k && typeof k === 'object' && k.alg === 'recovery-code') {
    if (Object.keys(k).sort().join() !== 'alg,salt,v' || k.v !== 1 || typeof k.salt !== 'string') {
      throw new NoiseError('malformed', 'vault: bad recovery parameters');
    }
    kdf = { v: 1, alg: 'recovery-code', salt: k.salt };
  } else {
    kdf = checkKdfParams(k, opts);
  }
  if (
    typeof o.nonce !== 'string' ||
    typeof o.ciphertext !== 'string' ||
    o.ciphertext.length > MAX_CIPHERTEXT_CHARS
  ) {
    throw new NoiseError('malformed', 'vault: bad nonce or ciphertext');
  }
  return { v: 1, kdf, nonce: o.nonce, ciphertext: o.ciphertext };
}

/** Encrypts vault contents under a wrap key already derived for `kdf`. */
export async function sealVault(
  contents: Uint8Array,
  wrapKey: Uint8Array,
  kdf: VaultBlob['kdf'],
  address: string,
  opts: VaultOptions = {},
): Promise<VaultBlob> {
  const nonce = randomBytes(opts, 12);
  const ciphertext = await crypto.subtle.encrypt(
    {
      name: 'AES-GCM',
      iv: nonce as Uint8Array<ArrayBuffer>,
      additionalData: associatedData(kdf, address) as Uint8Array<ArrayBuffer>,
    },
    await aesKey(wrapKey),
    contents as Uint8Array<ArrayBuffer>,
  );
  return { v: 1, kdf, nonce: toBase64Url(nonce), ciphertext: toBase64Url(new Uint8Array(ciphertext)) };
}

/** Decrypts with a wrap key; a wrong key (wrong passphrase or code) is NoiseError('bad_passphrase'). */
export async function openVault(
  blob: unknown,
  wrapKey: Uint8Array,
  address: string,
  opts: KdfCheckOptions = {},
): Promise<Uint8Array> {
  const b = checkVaultBlob(blob, opts);
  let nonce: Uint8Array;
  let ciphertext: Uint8Array;
  try {
    nonce = fromBase64Url(b.nonce);
    ciphertext = fromBase64Url(b.ciphertext);
  } catch {
    throw new NoiseError('malformed', 'vault: nonce or ciphertext is not base64url');
  }
  if (nonce.length !== 12 || ciphertext.length < 16)
    throw new NoiseError('malformed', 'vault: bad nonce or ciphertext length');
  try {
    const plain = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: nonce as Uint8Array<ArrayBuffer>,
        additionalData: associatedData(b.kdf, address) as Uint8Array<ArrayBuffer>,
      },
      await aesKey(wrapKey),
      ciphertext as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plain);
  } catch {
    // GCM cannot tell a wrong key from a damaged blob; the wrong passphrase is by far the likelier.
    throw new NoiseError('bad_passphrase', 'vault: wrong passphrase, or the vault is damaged');
  }
}

/** New vault under a passphrase: fresh salt, Argon2id, returns the authKey to register or rewrap with. */
export async function sealVaultWithPassphrase(
  contents: Uint8Array,
  passphrase: string,
  address: string,
  opts: VaultOptions = {},
): Promise<{ blob: VaultBlob; authKey: Uint8Array }> {
  const kdf = newKdfParams(opts);
  const keys = await derivePassphraseKeys(passphrase, kdf, opts);
  const blob = await sealVault(contents, keys.wrapKey, kdf, address, opts);
  keys.wrapKey.fill(0);
  return { blob, authKey: keys.authKey };
}

export async function openVaultWithPassphrase(
  blob: unknown,
  passphrase: string,
  address: string,
  opts: KdfCheckOptions = {},
): Promise<{ contents: Uint8Array; authKey: Uint8Array }> {
  const b = checkVaultBlob(blob, opts);
  if (b.kdf.alg !== 'argon2id')
    throw new NoiseError('invalid_argument', 'vault: this copy opens with the recovery code');
  const keys = await derivePassphraseKeys(passphrase, b.kdf, opts);
  const contents = await openVault(b, keys.wrapKey, address, opts);
  keys.wrapKey.fill(0);
  return { contents, authKey: keys.authKey };
}

/** Passphrase change: opens with the old passphrase, seals under the new one with a fresh salt. */
export async function rewrapVault(
  blob: unknown,
  oldPassphrase: string,
  newPassphrase: string,
  address: string,
  opts: VaultOptions = {},
): Promise<{ blob: VaultBlob; authKey: Uint8Array }> {
  const { contents } = await openVaultWithPassphrase(blob, oldPassphrase, address, opts);
  try {
    return await sealVaultWithPassphrase(contents, newPassphrase, address, opts);
  } finally {
    contents.fill(0);
  }
}

/**
 * The key of a recovery copy: HKDF of the code (its 130 random bits need no Argon2). A client
 * that keeps it can reseal the recovery copy whenever the vault changes, without the code.
 */
export function recoveryKey(code: string, kdf: RecoveryKdfParams): Uint8Array {
  return hkdf(
    sha256,
    utf8(normalizeRecoveryCode(code)),
    fromBase64Url(kdf.salt),
    utf8(LABEL_RECOVERY_KEY),
    32,
  );
}

/** The second copy for the recovery sheet: a new code and the vault sealed under it. */
export async function sealVaultWithRecoveryCode(
  contents: Uint8Array,
  address: string,
  opts: VaultOptions = {},
): Promise<{ code: string; blob: VaultBlob }> {
  const code = generateRecoveryCode(opts.random);
  const kdf: RecoveryKdfParams = { v: 1, alg: 'recovery-code', salt: toBase64Url(randomBytes(opts, 16)) };
  const key = recoveryKey(code, kdf);
  const blob = await sealVault(contents, key, kdf, address, opts);
  key.fill(0);
  return { code, blob };
}

export async function openVaultWithRecoveryCode(
  blob: unknown,
  code: string,
  address: string,
): Promise<Uint8Array> {
  const b = checkVaultBlob(blob);
  if (b.kdf.alg !== 'recovery-code')
    throw new NoiseError('invalid_argument', 'vault: this copy opens with the passphrase');
  const key = recoveryKey(code, b.kdf);
  try {
    return await openVault(b, key, address);
  } finally {
    key.fill(0);
  }
}

/** The Worker stores the vault as one base64url string (shared/api/accounts.ts `Vault`). */
export function encodeVault(blob: VaultBlob): string {
  return toBase64Url(utf8(JSON.stringify(blob)));
}

export function decodeVault(text: string, opts: KdfCheckOptions = {}): VaultBlob {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(fromBase64Url(text)));
  } catch {
    throw new NoiseError('malformed', 'vault: not base64url JSON');
  }
  return checkVaultBlob(parsed, opts);
}
