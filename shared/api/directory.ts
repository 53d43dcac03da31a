// Request and response schemas of the key directory (publishing, lookups, prekey bundles).
// Byte fields are base64url without padding. Objects are strict: unknown fields are refused.
// The Worker validates requests with these, the client validates responses with them.
//
// Routes (errors: { "error": { "code", "message" } }, always 4xx):
//   account (Bearer access token, extension origins only)
//     POST /api/v1/directory/keys        PublishKeysRequest → PublishKeysResponse (publish or replace)
//     POST /api/v1/directory/revocation  RevocationRequest → RevocationResponse
//     PUT  /api/v1/prekeys/signed        SignedPrekey → SignedPrekeyResponse (rotation; previous kept 14 days)
//     POST /api/v1/prekeys/one-time      OneTimePrekeysRequest → PrekeyStock (stock capped at 200)
//     GET  /api/v1/prekeys/stock         → PrekeyStock
//   public (any origin)
//     POST /api/v1/prekeys/bundle/<addr>[?logSize=M] → PrekeyBundle (takes one one-time prekey; 429 + Retry-After)
//     GET  /api/v1/lookup/by-email/<addr>       → KeyLookupResponse
//     GET  /api/v1/lookup/by-fingerprint/<FPR>  → KeyLookupResponse
//     GET  /vks/v1/by-email/<addr> | by-fingerprint/<FPR> | by-keyid/<KEYID>   armored application/pgp-keys
//     GET  /pks/lookup?op=get|index&search=<addr|0xKEYID|0xFPR>&options=mr      HKP
//     GET  /.well-known/openpgpkey/hu/<hash>?l=<local>, /.well-known/openpgpkey/policy   WKD (direct)

import { z } from 'zod';
import { Address, BASE64URL, b64uBytes } from './fields.ts';
import { ProofBundle } from './transparency.ts';

export { Address, BASE64URL, b64uBytes };

export const PublicKey32 = b64uBytes(32);
export const Signature64 = b64uBytes(64);
const U32 = z.number().int().min(0).max(0xffff_ffff);

/** Uppercase hex fingerprint of a v4 (40) or v6 (64) OpenPGP key. */
export const Fingerprint = z.string().regex(/^(?:[0-9A-F]{40}|[0-9A-F]{64})$/);

/** An armored OpenPGP public key (transferable public key, RFC 9580 §10.1). */
export const ArmoredPublicKey = z
  .string()
  .min(1)
  .max(64 * 1024);

export const EnvelopeIdentity = z.strictObject({
  signingKey: PublicKey32,
  dhKey: PublicKey32,
  dhKeySignature: Signature64,
});
export type EnvelopeIdentity = z.infer<typeof EnvelopeIdentity>;

export const SignedPrekey = z.strictObject({
  id: U32,
  /** Unix seconds. */
  createdAt: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40),
  publicKey: PublicKey32,
  signature: Signature64,
});
export type SignedPrekey = z.infer<typeof SignedPrekey>;

export const OneTimePrekey = z.strictObject({ id: U32, publicKey: PublicKey32 });
export type OneTimePrekey = z.infer<typeof OneTimePrekey>;

/** Most one-time prekeys an account may hold at once; uploads beyond it are refused. */
export const ONE_TIME_PREKEY_CAP = 200;

export const OneTimePrekeyBatch = z.array(OneTimePrekey).max(ONE_TIME_PREKEY_CAP);

export const EnvelopeKeys = z.strictObject({
  identity: EnvelopeIdentity,
  signedPrekey: SignedPrekey,
  oneTimePrekeys: OneTimePrekeyBatch,
});
export type EnvelopeKeys = z.infer<typeof EnvelopeKeys>;

/** Publish or replace the account's keys (also embedded in the register request). */
export const PublishKeysRequest = z.strictObject({
  openpgpKey: ArmoredPublicKey,
  envelope: EnvelopeKeys.optional(),
});
export type PublishKeysRequest = z.infer<typeof PublishKeysRequest>;

export const PublishKeysResponse = z.strictObject({
  fingerprint: Fingerprint,
  /** Addresses now bound to this key (verified ones only). */
  published: z.array(Address),
  /** Subkeys of the upload left out: no valid binding signature by the primary key. */
  strippedSubkeys: z.array(Fingerprint),
});
export type PublishKeysResponse = z.infer<typeof PublishKeysResponse>;

/** A revocation: an armored revocation signature, or the armored key carrying one. */
export const RevocationRequest = z.strictObject({
  revocation: z
    .string()
    .min(1)
    .max(64 * 1024),
});
export type RevocationRequest = z.infer<typeof RevocationRequest>;

export const RevocationResponse = z.strictObject({ fingerprint: Fingerprint, revoked: z.literal(true) });
export type RevocationResponse = z.infer<typeof RevocationResponse>;

export const SignedPrekeyResponse = z.strictObject({ id: U32, previousId: U32.nullable() });
export type SignedPrekeyResponse = z.infer<typeof SignedPrekeyResponse>;

export const OneTimePrekeysRequest = z.strictObject({ oneTimePrekeys: OneTimePrekeyBatch.min(1) });
export type OneTimePrekeysRequest = z.infer<typeof OneTimePrekeysRequest>;

export const PrekeyStock = z.strictObject({
  signedPrekey: z.strictObject({ id: U32, createdAt: z.number().int() }).nullable(),
  oneTimePrekeys: z.number().int().min(0),
  cap: z.number().int(),
});
export type PrekeyStock = z.infer<typeof PrekeyStock>;

/** Own JSON lookup, by address or by fingerprint. */
export const KeyLookupResponse = z.strictObject({
  fingerprint: Fingerprint,
  keyId: z.string().regex(/^[0-9A-F]{16}$/),
  /** Verified addresses bound to this key. */
  addresses: z.array(Address),
  /** Unix ms. */
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  revoked: z.boolean(),
  openpgpKey: z.string(),
  /** Whether a native envelope prekey bundle can be fetched for this key's account. */
  envelope: z.boolean(),
  /**
   * The account's envelope identity public keys, or null when it has none. Readers learn (and
   * verify, dhKeySignature over dhKey) the sender's identity here without fetching a bundle,
   * which would spend one of the sender's one-time prekeys.
   */
  envelopeIdentity: EnvelopeIdentity.nullable(),
  /**
   * By address: the proof that the log binds what is served (docs/spec/transparency-v1.md §8).
   * Absent by fingerprint, and when the log does not name the served key (clients refuse that).
   */
  transparency: ProofBundle.optional(),
});
export type KeyLookupResponse = z.infer<typeof KeyLookupResponse>;

/** One fetch hands out at most one one-time prekey; `oneTimePrekey` null means none was left. */
export const PrekeyBundle = z.strictObject({
  address: Address,
  identity: EnvelopeIdentity,
  signedPrekey: SignedPrekey,
  oneTimePrekey: OneTimePrekey.nullable(),
  /** True when the bundle carries no one-time prekey (stock empty or handouts limited). */
  noOneTimePrekey: z.boolean(),
  /** One-time prekeys left after this fetch. */
  remaining: z.number().int().min(0),
  /** The OpenPGP key bound to the address, which the bundle's `key` leaf names. */
  fingerprint: Fingerprint,
  /** transparency-v1 §8, with `consistency` when the request sent `?logSize=M`. */
  transparency: ProofBundle.optional(),
});
export type PrekeyBundle = z.infer<typeof PrekeyBundle>;

export const DIRECTORY_ROUTES = {
  keys: '/api/v1/directory/keys',
  revocation: '/api/v1/directory/revocation',
  signedPrekey: '/api/v1/prekeys/signed',
  oneTimePrekeys: '/api/v1/prekeys/one-time',
  prekeyStock: '/api/v1/prekeys/stock',
  bundle: (address: string, logSize?: number) =>
    `/api/v1/prekeys/bundle/${encodeURIComponent(address)}${logSize ? `?logSize=${logSize}` : ''}`,
  byEmail: (address: string) => `/api/v1/lookup/by-email/${encodeURIComponent(address)}`,
  byFingerprint: (fpr: string) => `/api/v1/lookup/by-fingerprint/${fpr}`,
} as const;
