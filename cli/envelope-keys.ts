// Envelope identity files of the CLI.
//
// Secret file (`*.noise-key.json`): the public bundle plus a vault (shared/vault) that seals the
// private halves under a passphrase with Argon2id; the address is bound into the vault.
//   { "type": "noise-envelope-secret", "v": 1, "address", "deviceId", "fingerprint",
//     "bundle": <public file fields>, "vault": VaultBlob }
// Public file (`*.noise-pub.json`): what a sender needs, in the directory's field shapes
// (shared/api/directory.ts, base64url bytes). One-time prekeys are left out: a file is reused,
// so X3DH runs on the signed prekey alone (the verdict says so).
//   { "type": "noise-envelope-public", "v": 1, "address", "deviceId", "fingerprint",
//     "identity": { signingKey, dhKey, dhKeySignature }, "signedPrekey": { id, createdAt, publicKey, signature } }

import { z } from 'zod';
import { EnvelopeIdentity, SignedPrekey } from '../shared/api/directory.ts';
import { fromUtf8, utf8 } from '../shared/encoding.ts';
import {
  type BundleJson,
  bundleFromJson,
  type EnvelopeSender,
  fingerprintHex,
  generateIdentity,
  generateSignedPrekey,
  identitySecretFromJson,
  identitySecretToJson,
  identityToJson,
  publicIdentity,
  publicSignedPrekey,
  type RecipientBundle,
  signedPrekeySecretFromJson,
  signedPrekeySecretToJson,
  signedPrekeyToJson,
  verifyIdentity,
  verifySignedPrekey,
} from '../shared/envelope/index.ts';
import { KDF_DEFAULT_COST, KDF_MIN_COST } from '../shared/kdf/passphrase.ts';
import { openVaultWithPassphrase, sealVaultWithPassphrase } from '../shared/vault/index.ts';
import { CliError, EXIT } from './exit-codes.ts';

export type KdfStrength = 'default' | 'min' | 'weak';

/**
 * `--kdf weak` (Argon2id with 64 KiB, one pass) makes offline guessing cheap: tests only, and only
 * with NOISE_ALLOW_WEAK_KDF=1, which is also needed to open such a file (shared/kdf allowWeakParams).
 */
function allowWeakKdf(): boolean {
  return process.env.NOISE_ALLOW_WEAK_KDF === '1';
}

const COSTS = { default: KDF_DEFAULT_COST, min: KDF_MIN_COST, weak: { m: 64, t: 1, p: 1 } } as const;

const PublicFile = z.strictObject({
  type: z.literal('noise-envelope-public'),
  v: z.literal(1),
  address: z.string().min(3),
  deviceId: z.string(),
  fingerprint: z.string(),
  identity: EnvelopeIdentity,
  signedPrekey: SignedPrekey,
});
type PublicFile = z.infer<typeof PublicFile>;

const SecretFile = z.strictObject({
  type: z.literal('noise-envelope-secret'),
  v: z.literal(1),
  address: z.string().min(3),
  deviceId: z.string(),
  fingerprint: z.string(),
  bundle: PublicFile,
  vault: z.unknown(),
});

/** The private keys of one envelope identity, opened from its vault: what sealing as it takes. */
type EnvelopeIdentityKeys = EnvelopeSender;

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(EXIT.malformed, `${what}: not JSON`);
  }
}

export function isEnvelopeKeyText(text: string): boolean {
  return text.trimStart().startsWith('{');
}

export async function generateEnvelopeIdentity(
  address: string,
  passphrase: string,
  kdf: KdfStrength,
): Promise<{ secretFile: string; publicFile: string; fingerprint: string }> {
  const identity = generateIdentity();
  const spk = generateSignedPrekey(1, Math.floor(Date.now() / 1000));
  const pub = publicIdentity(identity);
  const spkPub = publicSignedPrekey(identity, spk);
  const fingerprint = fingerprintHex(pub);
  const bundle: PublicFile = {
    type: 'noise-envelope-public',
    v: 1,
    address,
    deviceId: '',
    fingerprint,
    identity: identityToJson(pub),
    signedPrekey: signedPrekeyToJson(spkPub),
  };
  const contents = utf8(
    JSON.stringify({ identity: identitySecretToJson(identity), signedPrekey: signedPrekeySecretToJson(spk) }),
  );
  if (kdf === 'weak' && !allowWeakKdf())
    throw new CliError(EXIT.usage, 'usage: --kdf weak needs NOISE_ALLOW_WEAK_KDF=1 (tests only)');
  const { blob } = await sealVaultWithPassphrase(contents, passphrase, address, {
    cost: COSTS[kdf],
    allowWeakParams: kdf === 'weak',
  });
  contents.fill(0);
  identity.signingSecret.fill(0);
  identity.dhSecret.fill(0);
  spk.secret.fill(0);
  const secret = {
    type: 'noise-envelope-secret',
    v: 1,
    address,
    deviceId: '',
    fingerprint,
    bundle,
    vault: blob,
  };
  return {
    secretFile: `${JSON.stringify(secret, null, 2)}\n`,
    publicFile: `${JSON.stringify(bundle, null, 2)}\n`,
    fingerprint,
  };
}

export async function openEnvelopeIdentity(text: string, passphrase: string): Promise<EnvelopeIdentityKeys> {
  const parsed = SecretFile.safeParse(parseJson(text, 'envelope key file'));
  if (!parsed.success)
    throw new CliError(EXIT.malformed, 'envelope key file: not a noise-envelope-secret file');
  const file = parsed.data;
  const { contents } = await openVaultWithPassphrase(file.vault, passphrase, file.address, {
    allowWeakParams: allowWeakKdf(),
  });
  const inner = parseJson(fromUtf8(contents), 'vault contents') as {
    identity?: unknown;
    signedPrekey?: unknown;
  };
  contents.fill(0);
  return {
    address: file.address,
    deviceId: file.deviceId,
    identity: identitySecretFromJson(inner.identity),
    signedPrekey: signedPrekeySecretFromJson(inner.signedPrekey),
  };
}

/** A recipient bundle from its JSON form, signatures checked here for a clear exit (spec §2.2, §2.3). */
export function checkedBundle(json: BundleJson): RecipientBundle {
  const bundle = bundleFromJson(json);
  if (
    !verifyIdentity(bundle.identity) ||
    !verifySignedPrekey(bundle.identity.signingKey, bundle.signedPrekey)
  ) {
    throw new CliError(EXIT.tampered, `envelope keys of ${json.address}: signature check failed`);
  }
  return bundle;
}

export function readEnvelopePublicFile(text: string): RecipientBundle {
  const json = parseJson(text, 'envelope public key file') as { type?: unknown; bundle?: unknown };
  // A secret file holds its public bundle too; taking it from there is convenient and safe.
  const parsed = PublicFile.safeParse(json?.type === 'noise-envelope-secret' ? json.bundle : json);
  if (!parsed.success)
    throw new CliError(EXIT.malformed, 'envelope public key file: not a noise-envelope-public file');
  return checkedBundle(parsed.data);
}
