// What the gpg and sq interop suites share: our side's identity, the mail we send, and the
// RFC 3156 §4 multipart/encrypted wrapper around another program's armored output.

import { utf8 } from '../../shared/encoding.ts';
import type { MailContent } from '../../shared/pgp/index.ts';
import { contentTypeOf, splitEntity, splitMultipart } from '../../shared/pgp/mime-slice.ts';

export const OUR_PASS = 'our passphrase';
export const OURS = { name: 'Alice Noise', email: 'alice@noise.example' };

export interface Party {
  name: string;
  email: string;
}

/** The body parts of a multipart mail (RFC 2046 §5.1), split at its boundary. */
export function mimeParts(eml: string): Uint8Array[] {
  const top = splitEntity(utf8(eml));
  return splitMultipart(top.body, contentTypeOf(top).params.get('boundary')!);
}

/** The mail we send to `theirs`. */
export function mailTo(theirs: Party, subject: string, text: string): MailContent {
  return {
    from: { name: OURS.name, address: OURS.email },
    to: [{ name: theirs.name, address: theirs.email }],
    subject,
    text,
  };
}

/** RFC 3156 §4: a multipart/encrypted mail from `theirs` to us around their armored message. */
export function encryptedEml(
  theirs: Party,
  options: { subject: string; boundary: string; armored: string; fileName?: string },
): string {
  const { subject, boundary, armored, fileName } = options;
  return [
    `From: ${theirs.name} <${theirs.email}>`,
    `To: ${OURS.email}`,
    `Subject: ${subject}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: application/pgp-encrypted',
    '',
    'Version: 1',
    '',
    `--${boundary}`,
    `Content-Type: application/octet-stream${fileName ? `; name="${fileName}"` : ''}`,
    '',
    armored.replace(/\r?\n/g, '\r\n').trimEnd(),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
