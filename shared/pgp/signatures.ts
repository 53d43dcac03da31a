// Sign-only OpenPGP: cleartext signatures (RFC 9580 §7) and detached signatures, and the mapping of
// openpgp.js verification results onto our signature verdicts.
import {
  createCleartextMessage,
  createMessage,
  enums,
  type PrivateKey,
  type PublicKey,
  readCleartextMessage,
  readSignature,
  type Signature,
  sign,
  verify,
} from 'openpgp';
import { fromUtf8, latin1, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { FULL_CONFIG, PGP_CONFIG } from './config.ts';
import { type KeyInput, readPublicKey } from './keys.ts';
import { emptyVerdict, type SignatureVerdict, type Verdict, withFrom } from './verdict.ts';

interface VerificationResultLike {
  keyID: { toHex(): string };
  verified: Promise<unknown>;
  signature: Promise<Signature>;
}

export async function readVerificationKeys(keys: readonly KeyInput[] | undefined): Promise<PublicKey[]> {
  return Promise.all((keys ?? []).map((k) => readPublicKey(k)));
}

/**
 * Turns openpgp.js verification results into verdicts. A signature whose issuer is not among the
 * given keys is 'unknown_key'; any other failure is 'invalid'. Awaits every `verified` promise, so
 * call it only once the data stream has been read to its end.
 */
export async function signatureVerdicts(
  results: readonly VerificationResultLike[],
  keys: readonly PublicKey[],
  from: string | null | undefined,
): Promise<SignatureVerdict[]> {
  const out: SignatureVerdict[] = [];
  for (const r of results) {
    const keyIdHex = r.keyID.toHex().toUpperCase();
    const signer = keys.find((k) => k.getKeys(r.keyID as never).length > 0);
    let status: SignatureVerdict['status'];
    try {
      await r.verified;
      status = 'valid';
    } catch {
      status = signer ? 'invalid' : 'unknown_key';
    }
    let created: Date | undefined;
    try {
      created = (await r.signature).packets[0]?.created ?? undefined;
    } catch {
      created = undefined;
    }
    const signerUserIds = signer ? signer.getUserIDs() : [];
    out.push({
      ...(signer ? { signerFingerprint: signer.getFingerprint().toUpperCase() } : {}),
      keyId: keyIdHex,
      status,
      signerUserIds,
      signerMatchesFrom: null,
      ...(created ? { created } : {}),
    });
  }
  return withFrom({ ...emptyVerdict('pgp'), signatures: out }, from).signatures;
}

interface SignOnlyVerdictInput {
  results: readonly VerificationResultLike[];
  keys: readonly PublicKey[];
  from?: string | null;
}

async function signOnlyVerdict({ results, keys, from }: SignOnlyVerdictInput): Promise<Verdict> {
  const signatures = await signatureVerdicts(results, keys, from);
  return withFrom({ ...emptyVerdict('pgp'), signatures }, from);
}

/**
 * A key that cannot sign now (revoked, expired, no signing subkey) is `key_unusable`, said before
 * openpgp.js would fail somewhere inside sign() with an error that reads like a bug.
 */
export async function assertSigningKey(key: PrivateKey): Promise<void> {
  try {
    await key.getSigningKey(undefined, undefined, undefined, FULL_CONFIG);
  } catch (cause) {
    const reason =
      cause instanceof Error
        ? cause.message.replace(/^Could not find valid signing key packet in key \w+: /, '')
        : '';
    throw new NoiseError(
      'key_unusable',
      `key ${key.getFingerprint().toUpperCase()} cannot sign${reason ? `: ${reason}` : ''}`,
      {
        cause,
      },
    );
  }
}

/** A cleartext-signed message (RFC 9580 §7), armored. Text lines are signed in canonical form. */
export async function signCleartext(text: string, signingKey: PrivateKey): Promise<string> {
  await assertSigningKey(signingKey);
  const message = await createCleartextMessage({ text });
  return sign({ message, signingKeys: signingKey, format: 'armored', config: PGP_CONFIG });
}

export async function verifyCleartext(options: {
  armored: string;
  verificationKeys: readonly KeyInput[];
  from?: string | null;
}): Promise<{ text: string; verdict: Verdict }> {
  let message: Awaited<ReturnType<typeof readCleartextMessage>>;
  try {
    message = await readCleartextMessage({ cleartextMessage: options.armored, config: PGP_CONFIG });
  } catch (cause) {
    throw new NoiseError('malformed', 'not a readable cleartext-signed message', { cause });
  }
  const keys = await readVerificationKeys(options.verificationKeys);
  const result = await verify({ message, verificationKeys: keys, config: PGP_CONFIG });
  const verdict = await signOnlyVerdict({ results: result.signatures, keys, from: options.from ?? null });
  return { text: result.data, verdict };
}

/**
 * A detached signature. Text mode (signature type 0x01, RFC 9580 §5.2.1.2) hashes line endings in
 * canonical CRLF form, so a verifier that stored the data with LF still agrees; binary (0x00) signs
 * the bytes exactly.
 */
export async function signDetached(
  data: string | Uint8Array,
  signingKey: PrivateKey,
  options: { textMode?: boolean; armor?: boolean } = {},
): Promise<{ signature: string | Uint8Array; hashAlgorithm: string }> {
  await assertSigningKey(signingKey);
  const message =
    typeof data === 'string' && options.textMode !== false
      ? await createMessage({ text: data })
      : await createMessage({ binary: typeof data === 'string' ? utf8(data) : data });
  const signatureObject = await sign({
    message,
    signingKeys: signingKey,
    detached: true,
    format: 'object',
    config: PGP_CONFIG,
  });
  const hash =
    (signatureObject.packets[0] as { hashAlgorithm?: enums.hash | null } | undefined)?.hashAlgorithm ??
    enums.hash.sha256;
  const hashAlgorithm = enums.read(enums.hash, hash);
  if (options.armor === false) return { signature: signatureObject.write() as Uint8Array, hashAlgorithm };
  return { signature: signatureObject.armor(), hashAlgorithm };
}

async function readDetachedSignature(signature: string | Uint8Array): Promise<Signature> {
  // RFC 3156 §5 signatures are armored, but arrive as bytes from a MIME part.
  if (signature instanceof Uint8Array && latin1(signature.subarray(0, 64)).trimStart().startsWith('-----')) {
    // Armor is ASCII; read byte for byte it cannot fail (a non-ASCII byte just makes it unreadable).
    signature = latin1(signature);
  }
  try {
    return typeof signature === 'string'
      ? await readSignature({ armoredSignature: signature, config: PGP_CONFIG })
      : await readSignature({ binarySignature: signature, config: PGP_CONFIG });
  } catch (cause) {
    throw new NoiseError('malformed', 'not a readable OpenPGP signature', { cause });
  }
}

export async function verifyDetached(options: {
  data: string | Uint8Array;
  signature: string | Uint8Array;
  verificationKeys: readonly KeyInput[];
  from?: string | null;
}): Promise<Verdict> {
  const signature = await readDetachedSignature(options.signature);
  const keys = await readVerificationKeys(options.verificationKeys);
  // Verify in the mode the signer chose: text signatures hash canonical CRLF line endings.
  const textMode = signature.packets.every((p) => p.signatureType === enums.signature.text);
  const bytes = typeof options.data === 'string' ? utf8(options.data) : options.data;
  let text: string | null = null;
  if (textMode) {
    try {
      text = fromUtf8(bytes);
    } catch {
      text = null; // not UTF-8: hash the bytes as they are, which fails unless they were canonical
    }
  }
  const message = text !== null ? await createMessage({ text }) : await createMessage({ binary: bytes });
  const result = await verify({
    message,
    signature,
    verificationKeys: keys,
    format: 'binary',
    config: PGP_CONFIG,
  });
  return signOnlyVerdict({ results: result.signatures, keys, from: options.from ?? null });
}
