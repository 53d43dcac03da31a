// Decoding and signature checks of uploaded envelope keys (docs/spec/envelope-v1.md §2),
// with verifyIdentity / verifySignedPrekey from shared/envelope/identity.ts.

import type { EnvelopeIdentity, OneTimePrekey, SignedPrekey } from '../../../shared/api/directory.ts';
import { fromBase64Url } from '../../../shared/encoding.ts';
import {
  type PublicIdentity,
  type PublicOneTimePrekey,
  type PublicSignedPrekey,
  verifyIdentity,
  verifySignedPrekey,
} from '../../../shared/envelope/identity.ts';
import { ApiError } from '../http/errors.ts';

function decode(text: string, field: string): Uint8Array {
  try {
    return fromBase64Url(text);
  } catch {
    throw new ApiError(400, 'invalid_request', `Invalid ${field}: not base64url.`);
  }
}

export function decodeIdentity(id: EnvelopeIdentity): PublicIdentity {
  const identity = {
    signingKey: decode(id.signingKey, 'identity.signingKey'),
    dhKey: decode(id.dhKey, 'identity.dhKey'),
    dhKeySignature: decode(id.dhKeySignature, 'identity.dhKeySignature'),
  };
  if (!verifyIdentity(identity))
    throw new ApiError(400, 'bad_signature', 'The identity DH key signature does not verify.');
  return identity;
}

export function decodeSignedPrekey(signingKey: Uint8Array, spk: SignedPrekey): PublicSignedPrekey {
  const decoded = {
    id: spk.id,
    createdAt: spk.createdAt,
    publicKey: decode(spk.publicKey, 'signedPrekey.publicKey'),
    signature: decode(spk.signature, 'signedPrekey.signature'),
  };
  if (!verifySignedPrekey(signingKey, decoded))
    throw new ApiError(
      400,
      'bad_signature',
      'The signed prekey signature does not verify against the identity key.',
    );
  return decoded;
}

export function decodeOneTimePrekeys(batch: OneTimePrekey[]): PublicOneTimePrekey[] {
  const seen = new Set<number>();
  return batch.map((p) => {
    if (seen.has(p.id)) throw new ApiError(400, 'duplicate_prekey', 'One-time prekey ids must be unique.');
    seen.add(p.id);
    return { id: p.id, publicKey: decode(p.publicKey, 'oneTimePrekeys.publicKey') };
  });
}
