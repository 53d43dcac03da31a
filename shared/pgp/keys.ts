// OpenPGP keys: generation, inspection, fitness for encryption and unlocking (revocation is
// revocation.ts).
import {
  decryptKey,
  type Key,
  generateKey as openpgpGenerateKey,
  type PrivateKey,
  type PublicKey,
  readKey,
  readPrivateKey,
  type Subkey,
} from 'openpgp';
import { addressOf, mailboxesIn } from '../address-fields.ts';
import { NoiseError } from '../errors.ts';
import { FULL_CONFIG, PGP_CONFIG, RANDOM_PASSPHRASE_CONFIG } from './config.ts';
import { weaknessOf } from './policy.ts';

export interface UserIdInput {
  name?: string;
  email: string;
}

export interface GenerateKeyOptions {
  userIds: UserIdInput[];
  passphrase: string;
  /** 'ecc' = v4 Ed25519 (legacy EdDSA) + Cv25519, the only ECC form gpg 2.2 and sq 0.27 accept. */
  type?: 'ecc' | 'rsa3072';
  expiresInSeconds?: number;
  /** Creation time; tests use it to make keys that are already expired. */
  date?: Date;
  /** The passphrase is 256 random bits, not a person's: see RANDOM_PASSPHRASE_CONFIG. */
  passphraseIsRandom?: boolean;
}

export interface GeneratedKey {
  publicKey: string;
  privateKey: string;
  fingerprint: string;
  revocationCertificate: string;
}

export interface KeyPartInfo {
  fingerprint: string;
  keyId: string;
  algorithm: string;
  bits?: number;
  curve?: string;
  created: Date;
}

export interface UserIdInfo {
  raw: string;
  name: string;
  email: string;
}

export interface KeyInfo {
  fingerprint: string;
  keyId: string;
  version: number;
  isPrivate: boolean;
  userIds: UserIdInfo[];
  primary: KeyPartInfo;
  subkeys: KeyPartInfo[];
  created: Date;
  /** null when the key never expires (or its expiry cannot be established). */
  expires: Date | null;
  expired: boolean;
  revoked: boolean;
  canEncrypt: boolean;
  canSign: boolean;
  /** Set when an algorithm or key size is too weak to trust. */
  weakness?: string;
}

export type KeyInput = string | Uint8Array | Key;

export async function generateKey(options: GenerateKeyOptions): Promise<GeneratedKey> {
  if (options.userIds.length === 0)
    throw new NoiseError('invalid_argument', 'a key needs at least one user ID');
  if (!options.passphrase) throw new NoiseError('invalid_argument', 'a private key needs a passphrase');
  const type = options.type ?? 'ecc';
  const algorithm =
    type === 'ecc'
      ? { type: 'ecc' as const, curve: 'ed25519Legacy' as const }
      : { type: 'rsa' as const, rsaBits: 3072 };
  const generated = await openpgpGenerateKey({
    ...algorithm,
    userIDs: options.userIds.map((u) => (u.name ? { name: u.name, email: u.email } : { email: u.email })),
    passphrase: options.passphrase,
    keyExpirationTime: options.expiresInSeconds ?? 0,
    ...(options.date ? { date: options.date } : {}),
    format: 'object',
    config: options.passphraseIsRandom ? RANDOM_PASSPHRASE_CONFIG : PGP_CONFIG,
  });
  return {
    publicKey: generated.publicKey.armor(),
    privateKey: generated.privateKey.armor(),
    fingerprint: generated.publicKey.getFingerprint().toUpperCase(),
    revocationCertificate: generated.revocationCertificate,
  };
}

/** Parses one key, armored or binary, public or private. */
export async function readAnyKey(input: KeyInput): Promise<Key> {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
  try {
    return typeof input === 'string'
      ? await readKey({ armoredKey: input, config: PGP_CONFIG })
      : await readKey({ binaryKey: input, config: PGP_CONFIG });
  } catch (cause) {
    throw new NoiseError('malformed', 'not a readable OpenPGP key', { cause });
  }
}

export async function readPublicKey(input: KeyInput): Promise<PublicKey> {
  const key = await readAnyKey(input);
  return key.isPrivate() ? key.toPublic() : (key as PublicKey);
}

/** The armored public key (certificate) of a public or private key. */
export async function publicKeyOf(input: KeyInput): Promise<string> {
  return (await readPublicKey(input)).armor();
}

function partInfo(part: Key | Subkey): KeyPartInfo {
  const info = part.getAlgorithmInfo();
  return {
    fingerprint: part.getFingerprint().toUpperCase(),
    keyId: part.getKeyID().toHex().toUpperCase(),
    algorithm: info.algorithm,
    ...(info.bits !== undefined ? { bits: info.bits } : {}),
    ...(info.curve !== undefined ? { curve: info.curve } : {}),
    created: part.getCreationTime(),
  };
}

async function succeeds(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch {
    return false;
  }
}

function parseUserId(raw: string, name?: string, email?: string): UserIdInfo {
  if (email !== undefined || name !== undefined) return { raw, name: name ?? '', email: email ?? '' };
  const address = addressOf(raw);
  return { raw, name: mailboxesIn(raw).find((m) => m.address === address)?.name ?? '', email: address };
}

export async function readKeyInfo(input: KeyInput): Promise<KeyInfo> {
  const key = await readAnyKey(input);
  const now = new Date();
  const revoked = await key.isRevoked(undefined, undefined, now, FULL_CONFIG);
  let expires: Date | null = null;
  try {
    const t = await key.getExpirationTime(undefined, FULL_CONFIG);
    expires = t instanceof Date ? t : null;
  } catch {
    // No valid self-signature now (an expired or revoked key): read the newest one directly.
    expires = expiryFromSelfSignature(key);
  }
  const weakness = weaknessOf(key);
  // openpgp.js applies our minRSABits and revocation/expiry checks inside these lookups.
  const canEncrypt = await succeeds(key.getEncryptionKey(undefined, now, undefined, FULL_CONFIG));
  const canSign = await succeeds(key.getSigningKey(undefined, now, undefined, FULL_CONFIG));
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    keyId: key.getKeyID().toHex().toUpperCase(),
    version: key.keyPacket.version,
    isPrivate: key.isPrivate(),
    userIds: key.users
      .filter((u) => u.userID !== null)
      .map((u) => parseUserId(u.userID!.userID, u.userID!.name || undefined, u.userID!.email || undefined)),
    primary: partInfo(key),
    subkeys: key.subkeys.map(partInfo),
    created: key.getCreationTime(),
    expires,
    expired: expires !== null && expires.getTime() <= now.getTime(),
    revoked,
    canEncrypt,
    canSign,
    ...(weakness ? { weakness } : {}),
  };
}

/** Reads the expiry straight from the newest self-certification when openpgp.js refuses (expired key). */
function expiryFromSelfSignature(key: Key): Date | null {
  let best: { created: Date; seconds: number | null } | null = null;
  for (const user of key.users) {
    for (const sig of user.selfCertifications) {
      if (sig.created && (!best || sig.created > best.created)) {
        best = { created: sig.created, seconds: sig.keyExpirationTime };
      }
    }
  }
  if (!best?.seconds) return null;
  return new Date(key.getCreationTime().getTime() + best.seconds * 1000);
}

/**
 * Refuses a key we must not encrypt to: weak algorithms or sizes, revoked, expired, or without a
 * usable encryption (sub)key. Returns the parsed public key.
 */
export async function assertEncryptionKey(input: KeyInput): Promise<PublicKey> {
  const key = await readPublicKey(input);
  const fp = key.getFingerprint().toUpperCase();
  const weakness = weaknessOf(key);
  if (weakness) throw new NoiseError('key_unusable', `key ${fp} is too weak: ${weakness}`);
  if (await key.isRevoked(undefined, undefined, new Date(), FULL_CONFIG))
    throw new NoiseError('key_unusable', `key ${fp} is revoked`);
  const info = await readKeyInfo(key);
  if (info.expired)
    throw new NoiseError('key_unusable', `key ${fp} expired on ${info.expires!.toISOString()}`);
  try {
    await key.getEncryptionKey(undefined, new Date(), undefined, FULL_CONFIG);
  } catch (cause) {
    throw new NoiseError('key_unusable', `key ${fp} has no valid encryption subkey`, { cause });
  }
  return key;
}

/** Decrypts the secret key material with its passphrase; a wrong one gives 'bad_passphrase'. */
export async function unlockPrivateKey(
  armoredOrBinary: string | Uint8Array,
  passphrase: string,
): Promise<PrivateKey> {
  let key: PrivateKey;
  try {
    key =
      typeof armoredOrBinary === 'string'
        ? await readPrivateKey({ armoredKey: armoredOrBinary, config: PGP_CONFIG })
        : await readPrivateKey({ binaryKey: armoredOrBinary, config: PGP_CONFIG });
  } catch (cause) {
    throw new NoiseError('malformed', 'not a readable OpenPGP private key', { cause });
  }
  if (key.isDecrypted()) return key;
  try {
    return await decryptKey({ privateKey: key, passphrase, config: PGP_CONFIG });
  } catch (cause) {
    throw new NoiseError('bad_passphrase', 'the passphrase does not unlock this key', { cause });
  }
}
