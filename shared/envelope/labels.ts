// Every domain-separation string of the envelope format, verbatim from docs/spec/envelope-v1.md.
// Changing any of these changes the wire format: bump the version instead.

export const LABEL_IDENTITY_DH = 'noise.email/envelope/v1/identity-dh';
export const LABEL_SIGNED_PREKEY = 'noise.email/envelope/v1/signed-prekey';

/** Armor lines, §6. */
export const ARMOR_BEGIN = '-----BEGIN NOISE ENVELOPE-----';
export const ARMOR_END = '-----END NOISE ENVELOPE-----';
