// The envelope's public API (docs/spec/envelope-v1.md). The wire format stays internal:
// callers seal, open, armor and manage keys; they never build headers themselves.

export { ARMOR_LINE_LENGTH, armorEnvelope, armorStream, dearmorEnvelope } from './armor.ts';
export type { RecipientBundle } from './identity.ts';
export {
  identityDhMessage,
  type PublicIdentity,
  type PublicOneTimePrekey,
  type PublicSignedPrekey,
  signedPrekeyMessage,
  verifyIdentity,
  verifySignedPrekey,
} from './identity.ts';
export {
  decodeKeptCopy,
  encodeKeptCopy,
  type KeptCopies,
  type KeptCopy,
  MemoryKeptCopies,
} from './kept-copy.ts';
export {
  fingerprintHex,
  generateIdentity,
  generateOneTimePrekeys,
  generateSignedPrekey,
  type IdentitySecret,
  type IdentitySecretJson,
  identityFingerprint,
  identityKeyId,
  identityPublicKeys,
  identitySecretFromJson,
  identitySecretToJson,
  type KeyGenOptions,
  type OneTimePrekeySecret,
  type OneTimePrekeySecretJson,
  oneTimePrekeySecretFromJson,
  oneTimePrekeySecretToJson,
  publicIdentity,
  publicIdentityAsync,
  publicOneTimePrekey,
  publicSignedPrekey,
  publicSignedPrekeyAsync,
  type SignedPrekeySecret,
  type SignedPrekeySecretJson,
  signedPrekeySecretFromJson,
  signedPrekeySecretToJson,
  verifyIdentityAsync,
  verifySignedPrekeyAsync,
} from './keys.ts';
export { type OpenedEnvelope, type OpenOptions, open, type RecipientKeys } from './open.ts';
export { openBytes } from './open-bytes.ts';
export { type ByteSource, SEGMENT_SIZE } from './payload.ts';
export {
  type BundleJson,
  bundleFromJson,
  identityFromJson,
  identityToJson,
  oneTimePrekeyFromJson,
  oneTimePrekeyToJson,
  signedPrekeyFromJson,
  signedPrekeyToJson,
} from './public-json.ts';
export type { RandomSource } from './random.ts';
export { MemoryReplayStore, type OpenedEnvelopeRecord, type ReplayStore } from './replay.ts';
export { type EnvelopeSender, type SealOptions, seal, sealBytes } from './seal.ts';
export type { EnvelopeRecipientInfo, EnvelopeVerdict, VerdictFacts } from './verdict.ts';
