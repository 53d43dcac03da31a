// The one OpenPGP key policy of Noise Email. The extension and the CLI refuse to encrypt to a
// key this policy calls weak (keys.ts, assertEncryptionKey), and the directory Worker refuses
// to publish one (worker/src/directory/checks.ts calls the same function), so the directory never
// serves a key that our own clients would then refuse. Only public openpgp.js API is used here.

import { enums, type Key } from 'openpgp';

/** Smallest RSA modulus we accept (NIST SP 800-131A: 1024-bit RSA is disallowed). */
export const MIN_RSA_BITS = 2048;

/**
 * Public key algorithms refused everywhere: DSA (RFC 9580 §9.1 deprecates it for new keys; FIPS
 * 186-5 withdrew it) and Elgamal (RFC 9580 §9.1: MUST NOT generate). Passed to openpgp.js as
 * `rejectPublicKeyAlgorithms` (config.ts) and checked on every key part by weaknessOf.
 */
export const REFUSED_PUBLIC_KEY_ALGORITHMS: ReadonlySet<enums.publicKey> = new Set([
  enums.publicKey.dsa,
  enums.publicKey.elgamal,
]);

/** Curves refused everywhere: secp256k1 is not an OpenPGP curve (RFC 9580 §9.2 does not list it). */
export const REFUSED_CURVES: ReadonlySet<enums.curve> = new Set([enums.curve.secp256k1]);

/**
 * Key versions the directory publishes. v6 keys (RFC 9580) are refused: gpg 2.2 and sq 0.27,
 * the OpenPGP peers we interoperate with, cannot read them (docs/threat-model.md, TOOLCHAIN.md),
 * so VKS, HKP and WKD would hand those clients a key they fail on, and our own clients make v4
 * keys. The extension still encrypts to a v6 key found elsewhere (it reads them).
 */
const PUBLISHED_KEY_VERSIONS: readonly number[] = [4];

/** Why a key is too weak to trust, or undefined. Checks the primary key and every subkey. */
export function weaknessOf(key: Key): string | undefined {
  for (const part of [key, ...key.subkeys]) {
    const { algorithm, bits, curve } = part.getAlgorithmInfo();
    if (algorithm.startsWith('rsa') && (bits ?? 0) < MIN_RSA_BITS)
      return `RSA key of ${bits} bits (at least ${MIN_RSA_BITS} required)`;
    if (REFUSED_PUBLIC_KEY_ALGORITHMS.has(part.keyPacket.algorithm))
      return `obsolete algorithm ${algorithm.toUpperCase()}`;
    if (curve !== undefined && REFUSED_CURVES.has(curve as enums.curve))
      return `curve ${curve} is not accepted for OpenPGP`;
  }
  return undefined;
}

/** Why the directory does not publish this key version, or undefined. */
export function unpublishableVersion(key: Key): string | undefined {
  const version = key.keyPacket.version;
  return PUBLISHED_KEY_VERSIONS.includes(version)
    ? undefined
    : `v${version} keys are not published (gpg 2.2 cannot read them); publish a v4 key`;
}
