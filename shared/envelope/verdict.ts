// §7 The verdict of an opened envelope: the shared Verdict (shared/pgp/verdict.ts) with the
// envelope's own facts. It exists only after the signature over the whole envelope checked out.

import { toHex } from '../encoding.ts';
import type { Verdict } from '../pgp/verdict.ts';
import type { PublicIdentity } from './identity.ts';
import { fingerprintHex } from './keys.ts';

export interface EnvelopeRecipientInfo {
  address: string;
  deviceId: string;
  /** Uppercase hex of the 16-byte identity key id. */
  keyId: string;
}

export type EnvelopeVerdict = Verdict<{
  format: 'envelope';
  /** Lowercase hex of the 16-byte envelope id. */
  envelopeId: string;
  /** The sender's clock, unix seconds (signed, but only as honest as the sender). */
  createdAt: number;
  /**
   * The sender as the signed header names it. The address ↔ fingerprint binding is the
   * directory's word, not the envelope's: compare `fingerprint` with the directory or keyring.
   */
  sender: { address: string; fingerprint: string; identity: PublicIdentity };
  /** Every entry of the header (all recipients can see them, and so can the mail server). */
  recipients: EnvelopeRecipientInfo[];
  signedPrekeyId: number;
  /** False when the sender's bundle had no one-time prekey and X3DH fell back to the signed prekey. */
  oneTimePrekeyUsed: boolean;
  /** The one-time prekey this envelope used (deleted once it was recorded, §2.4), or null. */
  oneTimePrekeyId: number | null;
  /**
   * §4.6: null when the envelope was opened just now; a re-read served from the kept copy carries
   * the time (unix milliseconds) this device first opened it, so a re-delivery long after shows.
   */
  firstOpenedAt: number | null;
}>;

/** The signed facts a verdict is built from; a kept copy (§4.6) stores exactly these. */
export interface VerdictFacts {
  envelopeId: Uint8Array;
  createdAt: number;
  senderAddress: string;
  sender: PublicIdentity;
  recipients: EnvelopeRecipientInfo[];
  signedPrekeyId: number;
  oneTimePrekeyId: number | null;
}

export function buildVerdict(
  args: VerdictFacts,
  context: {
    /** The directory or keyring binds the sender's fingerprint to `senderAddress` (§7). */
    senderConfirmed: boolean;
    firstOpenedAt: number | null;
  },
): EnvelopeVerdict {
  const fingerprint = fingerprintHex(args.sender);
  return {
    format: 'envelope',
    encrypted: true,
    integrityProtected: true,
    signatures: [
      {
        signerFingerprint: fingerprint,
        keyId: fingerprint.slice(0, 32),
        status: 'valid',
        // Only a directory-confirmed binding lets the address count as the signer's user ID.
        signerUserIds: context.senderConfirmed ? [args.senderAddress] : [],
        signerMatchesFrom: null,
        created: new Date(args.createdAt * 1000),
      },
    ],
    signedBySender: false,
    partial: { encrypted: false, signed: false },
    envelopeId: toHex(args.envelopeId),
    createdAt: args.createdAt,
    sender: { address: args.senderAddress, fingerprint, identity: args.sender },
    recipients: args.recipients,
    signedPrekeyId: args.signedPrekeyId,
    oneTimePrekeyUsed: args.oneTimePrekeyId !== null,
    oneTimePrekeyId: args.oneTimePrekeyId,
    firstOpenedAt: context.firstOpenedAt,
  };
}
