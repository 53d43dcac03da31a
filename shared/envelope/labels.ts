// Every domain-separation string of the envelope format, verbatim from docs/spec/envelope-v1.md.
// Changing any of these changes the wire format: bump the version instead.

/** §2.2 identity DH key signature, §2.3 signed prekey signature (checked by the Worker too). */
export const LABEL_IDENTITY_DH = 'noise.email/envelope/v1/identity-dh';
export const LABEL_SIGNED_PREKEY = 'noise.email/envelope/v1/signed-prekey';

/** §2.5 identity fingerprint and the key id carried in recipient entries. */
export const LABEL_FINGERPRINT = 'noise.email/envelope/v1/fingerprint';

/** §5.1 magic: the binary envelope starts with this string and a NUL byte. */
export const LABEL_FORMAT = 'noise.email/envelope/v1';
/** §5.1 any other version behind this prefix is reported as 'unsupported', not 'malformed'. */
export const LABEL_FORMAT_FAMILY = 'noise.email/envelope/';

/** §3.2 HKDF info of the X3DH shared secret SK. */
export const LABEL_X3DH = 'noise.email/envelope/v1/x3dh';
/** §3.3 first bytes of the associated data of a recipient entry. */
export const LABEL_WRAP = 'noise.email/envelope/v1/wrap';

/** §4.1 HKDF info of the header MAC key and of the payload key. */
export const LABEL_HEADER_MAC = 'noise.email/envelope/v1/header-mac';
export const LABEL_PAYLOAD = 'noise.email/envelope/v1/payload';

/** §4.3 payload digest and §4.4 sender signature. */
export const LABEL_PAYLOAD_DIGEST = 'noise.email/envelope/v1/payload-digest';
export const LABEL_SIGNATURE = 'noise.email/envelope/v1/signature';

/** Armor lines, §6. */
export const ARMOR_BEGIN = '-----BEGIN NOISE ENVELOPE-----';
export const ARMOR_END = '-----END NOISE ENVELOPE-----';
