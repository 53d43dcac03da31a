// Decoding and signature checks of uploaded envelope keys (docs/spec/envelope-v1.md §2),
// with verifyIdentity / verifySignedPrekey from shared/envelope/identity.ts.

import type { EnvelopeIdentity, OneTimePrekey, SignedPrekey } from '../../../shared/api/directory.ts';
import {
  type PublicIdentity,
  type PublicOneTimePrekey,
  type PublicSignedPrekey,
  verifyIdentity,
  verifySignedPrekey,
} from '../../../shared/envelope/identity.ts';
import {
  identityFromJson,
  oneTimePrekeyFromJson,
  signedPrekeyFromJson,
} from '../../../shared/envelope/public-json.ts';
import { ApiError } from '../http/errors.ts';

/** The schema checked the characters and lengths; a non-canonical last character is still 400. */
function decode<T>(field: string, fromJson: () => T): T {
  try {
    return fromJson();
  } catch {
    throw new ApiError(400, 'invalid_request', `Invalid ${field}: not base64url.`);
  }
}

export function decodeIdentity(id: EnvelopeIdentity): PublicIdentity {
  const identity = decode('identity', () => identityFromJson(id));
  if (!verifyIdentity(identity))
    throw new ApiError(400, 'bad_signature', 'The identity DH key signature does not verify.');
  return identity;
}

export function decodeSignedPrekey(signingKey: Uint8Array, spk: SignedPrekey): PublicSignedPrekey {
  const decoded = decode('signedPrekey', () => signedPrekeyFromJson(spk));
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
    return decode('oneTimePrekeys', () => oneTimePrekeyFromJson(p));
  });
}
