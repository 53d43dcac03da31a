// One place for the openpgp.js settings every call uses. Safe for the OpenPGP peers we must
// interoperate with (gpg 2.2, sq 0.27): v4 keys, SEIPDv1 with MDC, no AEAD packets.
import { type Config, enums, config as openpgpDefaults, type PartialConfig } from 'openpgp';
import { MIN_RSA_BITS, REFUSED_CURVES, REFUSED_PUBLIC_KEY_ALGORITHMS } from './policy.ts';

export const PGP_CONFIG: PartialConfig = {
  // gpg 2.2 and sq 0.27 refuse v6 keys and SEIPDv2 ("unknown packet version"): see TOOLCHAIN.md.
  v6Keys: false,
  aeadProtect: false,
  // EFAIL: never release plaintext of data without integrity protection (RFC 9580 §5.7).
  allowUnauthenticatedMessages: false,
  allowUnauthenticatedStream: false,
  // The key policy (policy.ts), shared with the directory Worker.
  minRSABits: MIN_RSA_BITS,
  rejectPublicKeyAlgorithms: new Set(REFUSED_PUBLIC_KEY_ALGORITHMS),
  rejectCurves: new Set(REFUSED_CURVES),
  preferredSymmetricAlgorithm: enums.symmetric.aes256,
  preferredHashAlgorithm: enums.hash.sha256,
  preferredCompressionAlgorithm: enums.compression.uncompressed,
  // Decompression bombs: far above the 25 MB attachment limit, far below what a tab survives.
  maxDecompressedMessageSize: 128 * 1024 * 1024,
  showVersion: false,
  showComment: false,
};

/**
 * For a key protected by a passphrase of 256 random bits (the extension's vault keeps one per
 * key): the fewest S2K iterations. Iterated S2K stretches guessable passphrases (RFC 4880
 * §3.7.1.3); against 256 random bits it adds nothing but 75 ms or more to every unlock, and the
 * extension unlocks the key each time its service worker wakes, on the read path.
 */
export const RANDOM_PASSPHRASE_CONFIG: PartialConfig = { ...PGP_CONFIG, s2kIterationCountByte: 0 };

/** The same settings as a complete Config, for key methods that take no partial config. */
export const FULL_CONFIG: Config = { ...openpgpDefaults, ...PGP_CONFIG };
