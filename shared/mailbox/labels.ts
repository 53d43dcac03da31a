// Every constant of the mailbox format, verbatim from docs/spec/mailbox-v1.md. Changing any of
// these changes the format: bump the version instead.

/** §3.1 the first bytes of every sealed object: "NMB" and the format version. */
export const MAGIC = new Uint8Array([0x4e, 0x4d, 0x42, 0x01]);

/** §3.1 what an object holds; part of its key derivation, so one cannot pass for the other. */
export const KIND_SUMMARY = 0x01;
export const KIND_BODY = 0x02;
export type ObjectKind = typeof KIND_SUMMARY | typeof KIND_BODY;

/** §2.2 HKDF info of the key id, and §3.2 of an object's key. */
export const LABEL_KEY_ID = 'noise.email/mailbox/v1/key-id';
export const LABEL_OBJECT = 'noise.email/mailbox/v1/object';

/** §2.1 the inbox key is 256 random bits; §2.2 its id is the first 8 bytes of an HKDF output. */
export const INBOX_KEY_LENGTH = 32;
export const KEY_ID_LENGTH = 8;
/** §3.1 a fresh random salt per object and per seal. */
export const SALT_LENGTH = 32;
/** §3.1 magic ‖ kind ‖ key id ‖ salt. */
export const HEADER_LENGTH = MAGIC.length + 1 + KEY_ID_LENGTH + SALT_LENGTH;

/** §4 a summary's plaintext (UTF-8 JSON) is at most this long. */
export const SUMMARY_MAX_BYTES = 32 * 1024;
/** §4 the longest snippet a summary carries, in characters. */
export const SNIPPET_MAX_CHARS = 200;
