// Every constant of the relay seal, verbatim from docs/spec/relay-v1.md. Changing any of these
// changes the format: bump the version instead.

/** §3.1 the first bytes of every sealed message: "NRS" and the format version. */
export const MAGIC = new Uint8Array([0x4e, 0x52, 0x53, 0x01]);

/** §2.2 the key id: SHA-256 of this label ‖ 0x00 ‖ the public key, first 8 bytes. */
export const LABEL_KEY_ID = 'noise.email/relay/v1/key-id';
/** §3.2 HPKE `info` (RFC 9180 §5.1): the application context of every seal. */
export const LABEL_INFO = 'noise.email/relay/v1';

export const KEY_ID_LENGTH = 8;
/** RFC 9180 §7.1: Nenc of DHKEM(X25519, HKDF-SHA256). */
export const ENC_LENGTH = 32;
/** §3.1 magic ‖ key id ‖ enc. */
export const HEADER_LENGTH = MAGIC.length + KEY_ID_LENGTH + ENC_LENGTH;
/** RFC 9180 §7.3: Nt of AES-128-GCM. */
export const TAG_LENGTH = 16;

/** §2.1 the relay key's secret: at least this many bytes of input keying material. */
export const MIN_IKM_LENGTH = 32;

/** §1 the suite, as the key document names it. */
export const SUITE_NAME = 'DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM';

/** §4 the most recipients one sealed message may be bound to (Cloudflare's per-message limit). */
export const MAX_RECIPIENTS = 50;
