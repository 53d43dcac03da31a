// What a verification proves, in the words the mail and the link page both use: the reader
// learns which key would be published for the address (or that a new account would be made)
// and that ignoring the mail changes nothing.

import type { VerificationPurpose } from './verification-store.ts';

/** "ABCD 1234 …" in groups of four, as gpg prints fingerprints. */
function groupedFingerprint(fingerprint: string): string {
  return fingerprint.match(/.{1,4}/g)?.join(' ') ?? fingerprint;
}

/** One sentence: what confirming does. */
export function purposeSentence(address: string, purpose: VerificationPurpose): string {
  if (purpose.accountId === null)
    return `Confirming creates a new Noise Email account for ${address} and publishes its encryption key for this address.`;
  if (purpose.fingerprint)
    return `Confirming adds ${address} to an existing Noise Email account and publishes the OpenPGP key with fingerprint ${groupedFingerprint(purpose.fingerprint)} for it: mail to this address would then be encrypted to that key.`;
  return `Confirming adds ${address} to an existing Noise Email account, whose key would then be published for it.`;
}

export const IGNORE_SENTENCE =
  'If you did not ask for this, ignore this message: nothing is published or created without the code or the confirmation.';
