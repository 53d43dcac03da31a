// Every constant of the transparency format, verbatim from docs/spec/transparency-v1.md §1.4.
// Changing any of these changes the wire format: bump the version instead.

/** §3.2 prefix of the VRF input. */
export const LABEL_VRF_INPUT = 'noise.email/transparency/v1/address';
/** §3.4 prefix of a fingerprint commitment. */
export const LABEL_COMMITMENT = 'noise.email/transparency/v1/fingerprint';
/** §3.5 first line of the note that publishes the VRF key. */
export const LABEL_VRF_KEY_NOTE = 'noise.email/transparency/v1/vrf-key';
/** §6.1 header line of a C2SP tlog-cosignature v1 signed message. */
export const COSIGNATURE_HEADER = 'cosignature/v1';
/** §4.2 first byte of every leaf. */
export const LEAF_VERSION = 1;

/** §5.3 the log signs at most one checkpoint per this many milliseconds. */
export const CHECKPOINT_INTERVAL_MS = 2000;
/** §7.1 most leaves one `GET /leaves` answers. */
export const MAX_LEAVES_PER_PAGE = 1000;
/** §5.2 limits a note verifier enforces (C2SP signed-note: at least 16 signatures). */
export const MAX_NOTE_BYTES = 16 * 1024;
export const MAX_NOTE_SIGNATURES = 32;
