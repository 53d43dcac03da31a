// The public envelope keys between their bytes (docs/spec/envelope-v1.md §2.2–2.4) and the JSON
// form the directory API and key files carry (base64url without padding, docs/api.md): one
// mapping for the Worker, the extension and the CLI. Decoding checks the encoding only; the
// directory verifies the signatures on upload and a sender again before use (§3.4).

import type { EnvelopeIdentity, OneTimePrekey, SignedPrekey } from '../api/directory.ts';
import { fromBase64Url, toBase64Url } from '../encoding.ts';
import type { PublicIdentity, PublicOneTimePrekey, PublicSignedPrekey, RecipientBundle } from './identity.ts';

export function identityToJson(id: PublicIdentity): EnvelopeIdentity {
  return {
    signingKey: toBase64Url(id.signingKey),
    dhKey: toBase64Url(id.dhKey),
    dhKeySignature: toBase64Url(id.dhKeySignature),
  };
}

export function identityFromJson(json: EnvelopeIdentity): PublicIdentity {
  return {
    signingKey: fromBase64Url(json.signingKey),
    dhKey: fromBase64Url(json.dhKey),
    dhKeySignature: fromBase64Url(json.dhKeySignature),
  };
}

export function signedPrekeyToJson(spk: PublicSignedPrekey): SignedPrekey {
  return {
    id: spk.id,
    createdAt: spk.createdAt,
    publicKey: toBase64Url(spk.publicKey),
    signature: toBase64Url(spk.signature),
  };
}

export function signedPrekeyFromJson(json: SignedPrekey): PublicSignedPrekey {
  return {
    id: json.id,
    createdAt: json.createdAt,
    publicKey: fromBase64Url(json.publicKey),
    signature: fromBase64Url(json.signature),
  };
}

export function oneTimePrekeyToJson(opk: PublicOneTimePrekey): OneTimePrekey {
  return { id: opk.id, publicKey: toBase64Url(opk.publicKey) };
}

export function oneTimePrekeyFromJson(json: OneTimePrekey): PublicOneTimePrekey {
  return { id: json.id, publicKey: fromBase64Url(json.publicKey) };
}

/** What a bundle's JSON holds: the directory's PrekeyBundle, or a key file's public part. */
export interface BundleJson {
  address: string;
  /** Absent for the directory's bundles: an account's only device (§1.3). */
  deviceId?: string;
  identity: EnvelopeIdentity;
  signedPrekey: SignedPrekey;
  oneTimePrekey?: OneTimePrekey | null;
}

/** A recipient bundle from its JSON form (§3.4 checks its signatures before sealing to it). */
export function bundleFromJson(json: BundleJson): RecipientBundle {
  return {
    address: json.address,
    deviceId: json.deviceId ?? '',
    identity: identityFromJson(json.identity),
    signedPrekey: signedPrekeyFromJson(json.signedPrekey),
    oneTimePrekey: json.oneTimePrekey ? oneTimePrekeyFromJson(json.oneTimePrekey) : null,
  };
}
