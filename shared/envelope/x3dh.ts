// §3 Per-recipient key agreement: X3DH (Signal, "The X3DH Key Agreement Protocol", §3.3) and the
// wrapping of the content key under the resulting SK with the entry's associated data.

import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, lp8, u32be, utf8 } from '../encoding.ts';
import { type ErrorCode, NoiseError } from '../errors.ts';
import { aesGcmOpen, aesGcmSeal, importAesKey, NONCE_LENGTH } from './aead.ts';
import { abytes } from './assert.ts';
import { x25519Dh, x25519PublicKey } from './curves.ts';
import type { PublicIdentity, RecipientBundle } from './identity.ts';
import { identityKeyId, verifyIdentityAsync, verifySignedPrekeyAsync } from './keys.ts';
import { LABEL_WRAP, LABEL_X3DH } from './labels.ts';

/** §5.3: one recipient entry as carried in the header. */
export interface RecipientEntry {
  address: string;
  deviceId: string;
  /** §2.5: first 16 bytes of the recipient identity fingerprint. */
  keyId: Uint8Array;
  signedPrekeyId: number;
  oneTimePrekeyId: number | null;
  /** The sender's ephemeral X25519 key EK for this entry. */
  ephemeralKey: Uint8Array;
  /** AES-256-GCM(SK, 0^12, content key, AD): 32 + 16 bytes. */
  wrappedKey: Uint8Array;
}

/** Who the entry binds: the sender's identity and address, and the envelope id. */
interface WrapContext {
  envelopeId: Uint8Array;
  senderAddress: string;
  sender: Pick<PublicIdentity, 'signingKey' | 'dhKey'>;
}

const ZERO_SALT = new Uint8Array(32);
const FF_PREFIX = new Uint8Array(32).fill(0xff);
const ZERO_NONCE = new Uint8Array(NONCE_LENGTH);

/** §3.1: X25519 with the all-zero output refused (a low-order point would make DH public). */
async function dh(
  secret: Uint8Array,
  publicKey: Uint8Array,
  code: ErrorCode,
  what: string,
): Promise<Uint8Array> {
  const out = await x25519Dh(secret, publicKey);
  if (!out) throw new NoiseError(code, `${what}: X25519 produced the all-zero value`);
  return out;
}

/** §3.2: SK = HKDF-SHA256(salt = 0^32, IKM = 0xFF^32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4], info = LABEL_X3DH). */
function deriveSharedKey(dhOutputs: Uint8Array[]): Uint8Array {
  const ikm = concatBytes(FF_PREFIX, ...dhOutputs);
  const sk = hkdf(sha256, ikm, ZERO_SALT, utf8(LABEL_X3DH), 32);
  ikm.fill(0);
  for (const d of dhOutputs) d.fill(0);
  return sk;
}

/** §3.3: the AD binds both identities (signing and DH keys), both addresses and the whole entry. */
function wrapAssociatedData(
  ctx: WrapContext,
  recipient: Pick<PublicIdentity, 'signingKey' | 'dhKey'>,
  entry: Omit<RecipientEntry, 'wrappedKey' | 'keyId'>,
): Uint8Array {
  return concatBytes(
    utf8(LABEL_WRAP),
    new Uint8Array([0]),
    ctx.envelopeId,
    ctx.sender.signingKey,
    ctx.sender.dhKey,
    recipient.signingKey,
    recipient.dhKey,
    lp8(ctx.senderAddress),
    lp8(entry.address),
    lp8(entry.deviceId),
    u32be(entry.signedPrekeyId),
    entry.oneTimePrekeyId === null
      ? new Uint8Array([0])
      : concatBytes(new Uint8Array([1]), u32be(entry.oneTimePrekeyId)),
    entry.ephemeralKey,
  );
}

/** §3.4 sender side: verifies the bundle, runs X3DH with a fresh EK and wraps the content key. */
export async function wrapForRecipient(
  ctx: WrapContext,
  senderDhSecret: Uint8Array,
  bundle: RecipientBundle,
  contentKey: Uint8Array,
  /** This entry's fresh ephemeral secret ek (32 random bytes, erased here after use). */
  ek: Uint8Array,
  /** Only for the sender's own copy, built from its own secrets a moment ago. */
  alreadyVerified = false,
): Promise<RecipientEntry> {
  // Signal X3DH §3.3: the sender MUST verify the prekey signature before use.
  const verified =
    alreadyVerified ||
    ((await verifyIdentityAsync(bundle.identity)) &&
      (await verifySignedPrekeyAsync(bundle.identity.signingKey, bundle.signedPrekey)));
  if (!verified) {
    throw new NoiseError(
      'key_unusable',
      `bundle for ${bundle.address}: identity or prekey signature invalid`,
    );
  }
  const opk = bundle.oneTimePrekey ?? null;
  if (opk) abytes(opk.publicKey, 32, 'bundle.oneTimePrekey.publicKey');
  abytes(ek, 32, 'ek');
  const ephemeralKey = await x25519PublicKey(ek);
  const what = `bundle for ${bundle.address}`;
  const dhs = [
    await dh(senderDhSecret, bundle.signedPrekey.publicKey, 'key_unusable', what),
    await dh(ek, bundle.identity.dhKey, 'key_unusable', what),
    await dh(ek, bundle.signedPrekey.publicKey, 'key_unusable', what),
  ];
  if (opk) dhs.push(await dh(ek, opk.publicKey, 'key_unusable', what));
  ek.fill(0);
  const entry = {
    address: bundle.address,
    deviceId: bundle.deviceId,
    signedPrekeyId: bundle.signedPrekey.id,
    oneTimePrekeyId: opk ? opk.id : null,
    ephemeralKey,
  };
  const sk = deriveSharedKey(dhs);
  const key = await importAesKey(sk);
  sk.fill(0);
  const wrappedKey = await aesGcmSeal(
    key,
    ZERO_NONCE,
    contentKey,
    wrapAssociatedData(ctx, bundle.identity, entry),
  );
  return { ...entry, keyId: identityKeyId(bundle.identity), wrappedKey };
}

/** The recipient's private keys for one entry, already selected by id. */
interface UnwrapKeys {
  identity: Pick<PublicIdentity, 'signingKey' | 'dhKey'>;
  identityDhSecret: Uint8Array;
  signedPrekeySecret: Uint8Array;
  oneTimePrekeySecret: Uint8Array | null;
}

/** §3.5 recipient side: mirrors the sender's DHs and opens the wrapped content key. */
export async function unwrapEntry(
  ctx: WrapContext,
  entry: RecipientEntry,
  keys: UnwrapKeys,
): Promise<Uint8Array> {
  const what = 'recipient entry';
  const dhs = [
    await dh(keys.signedPrekeySecret, ctx.sender.dhKey, 'tampered', what),
    await dh(keys.identityDhSecret, entry.ephemeralKey, 'tampered', what),
    await dh(keys.signedPrekeySecret, entry.ephemeralKey, 'tampered', what),
  ];
  if (keys.oneTimePrekeySecret)
    dhs.push(await dh(keys.oneTimePrekeySecret, entry.ephemeralKey, 'tampered', what));
  const sk = deriveSharedKey(dhs);
  const key = await importAesKey(sk);
  sk.fill(0);
  const contentKey = await aesGcmOpen(
    key,
    ZERO_NONCE,
    entry.wrappedKey,
    wrapAssociatedData(ctx, keys.identity, entry),
    what,
  );
  if (contentKey.length !== 32) throw new NoiseError('malformed', `${what}: content key is not 32 bytes`);
  return contentKey;
}
