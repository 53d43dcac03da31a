// Revoking an OpenPGP key (RFC 9580 §5.2.1.14, key revocation signature; §5.2.3.31 reason) and
// reading whether a key is revoked.

import { revokeKey as openpgpRevokeKey, type PrivateKey, type PublicKey } from 'openpgp';
import { NoiseError } from '../errors.ts';
import { FULL_CONFIG, PGP_CONFIG } from './config.ts';
import { type KeyInput, readAnyKey } from './keys.ts';

export type RevocationReason = 'no_reason' | 'superseded' | 'compromised' | 'retired';
const REASON_FLAGS: Record<RevocationReason, number> = {
  no_reason: 0,
  superseded: 1,
  compromised: 2,
  retired: 3,
};

/**
 * Revokes a key (RFC 9580 §5.2.1.14, key revocation signature). With an unlocked private key a
 * new revocation signature is made; with a stored revocation certificate, any copy of the key
 * (even public only) can be revoked. Returns the revoked public key, armored.
 */
export async function revokeKey(options: {
  key: PrivateKey | KeyInput;
  revocationCertificate?: string;
  reason?: RevocationReason;
  description?: string;
}): Promise<string> {
  try {
    if (options.revocationCertificate) {
      const key = await readAnyKey(options.key);
      const out = await openpgpRevokeKey({
        key: key as PublicKey,
        revocationCertificate: options.revocationCertificate,
        format: 'object',
        config: PGP_CONFIG,
      });
      return out.publicKey.armor();
    }
    const key = await readAnyKey(options.key);
    if (!key.isPrivate() || !(key as PrivateKey).isDecrypted()) {
      throw new NoiseError(
        'invalid_argument',
        'revoking without a certificate needs the unlocked private key',
      );
    }
    const out = await openpgpRevokeKey({
      key: key as PrivateKey,
      reasonForRevocation: {
        flag: REASON_FLAGS[options.reason ?? 'no_reason'],
        string: options.description ?? '',
      },
      format: 'object',
      config: PGP_CONFIG,
    });
    return out.publicKey.armor();
  } catch (cause) {
    if (cause instanceof NoiseError) throw cause;
    throw new NoiseError('malformed', 'the key or revocation certificate could not be used', { cause });
  }
}

/** Revocation state of a key as of now. */
export async function revocationState(input: KeyInput): Promise<{ revoked: boolean; reason?: string }> {
  const key = await readAnyKey(input);
  const revoked = await key.isRevoked(undefined, undefined, new Date(), FULL_CONFIG);
  if (!revoked) return { revoked };
  const sig = key.revocationSignatures[0];
  return sig?.reasonForRevocationString ? { revoked, reason: sig.reasonForRevocationString } : { revoked };
}
