// Encryption at the edge (docs/spec/mailbox-v1.md §5): the raw message and its summary, each an
// OpenPGP message to the key the directory publishes for the inbox, with the project's one
// OpenPGP configuration (shared/pgp/config.ts: v4 ECC, SEIPDv1 with MDC, no AEAD), so gpg 2.2
// and sq open an exported copy. Unsigned: the service vouches for nothing it did not see.

import { encryptMessage } from '../../../shared/pgp/index.ts';

/** Literal data file names (RFC 9580 §5.9): what `gpg --decrypt` of an exported copy names. */
export const BODY_FILENAME = 'message.eml';
export const SUMMARY_FILENAME = 'summary.json';

export async function sealToKey(armoredKey: string, data: Uint8Array, filename: string): Promise<Uint8Array> {
  return encryptMessage(data, { recipients: [armoredKey], sign: false, armor: false, filename });
}
