// What readMessage returns (docs/verdicts.md): the mail's parts in display order, each with the
// protection that covers exactly it, and one verdict for the whole mail.

import type { EnvelopeVerdict } from '../envelope/index.ts';
import type { MailAddress } from '../pgp/mime-build.ts';
import type { BaseVerdict, SignatureVerdict } from '../pgp/verdict.ts';

export type { MailAddress };

/** What the reader was given, as it recognised it. */
export type InputSource = 'eml' | 'mbox' | 'armor' | 'pgp-binary' | 'envelope-binary';

/** Which layer encrypted a part. */
export type EncryptionLayer = 'pgp-mime' | 'pgp-inline' | 'pgp-attachment' | 'pgp-binary' | 'envelope';

/** What protects one part: every layer between the mail's top and that part, merged. */
export interface Protection {
  /**
   * One of the user's keys decrypted an OpenPGP (or envelope) layer around this part, and that
   * layer's own result said it was encrypted and integrity-protected. Never set from a wrapper.
   */
  encrypted: boolean;
  /** The innermost layer that encrypted this part, when `encrypted`. */
  layer?: EncryptionLayer;
  /**
   * Which encryption layer (numbered in reading order from 1) is the outermost around this part:
   * parts under different layers were encrypted separately, and their order and company were not.
   */
  encryptionIndex?: number;
  /** Signatures over exactly this part's content (and maybe more), outermost first. */
  signatures: SignatureVerdict[];
  /** A `multipart/signed` around this part lost its signature part: nothing can be checked. */
  signatureMissing: boolean;
  /**
   * A wrapper said "encrypted" (multipart/encrypted, a PGP MESSAGE block, an encrypted
   * attachment) but the OpenPGP data held no encryption: anyone could have written it.
   */
  claimsEncryption: boolean;
  /**
   * Cleartext-signed text arrived changed by webmail (non-breaking spaces, quoting,
   * quoted-printable): it was verified as received, so its signature fails; the original
   * could not be checked.
   */
  signedTextDamaged: boolean;
  /** Exchange/Outlook had rebuilt the PGP/MIME structure; it was put back before decrypting. */
  repaired?: 'exchange';
}

export interface ForwardedInfo {
  /** 1 for a message/rfc822 in the mail, 2 for one inside that, and so on. */
  depth: number;
  from?: MailAddress;
  subject?: string;
  date?: string;
}

export interface ReadPart {
  /** Plain text of the part; for HTML, the text it renders to (for surfaces without a renderer). */
  text: string;
  /** The HTML as sent, when the part has an HTML rendering: sanitize before showing, never fetch. */
  html?: string;
  /** Rendering `html` as-is would fetch something (EFAIL): keep it blocked behind "load images". */
  hasRemoteContent: boolean;
  /** `html` holds scripts, event handlers or javascript: URLs. */
  hasActiveContent: boolean;
  protection: Protection;
  /** The part belongs to a forwarded message (message/rfc822); its signatures are that message's. */
  forwarded?: ForwardedInfo;
  /** How many `>` quote levels an inline block carried in the body it came from. */
  quoteDepth?: number;
}

export interface ReadAttachment {
  filename: string;
  contentType: string;
  data: Uint8Array;
  protection: Protection;
  forwarded?: ForwardedInfo;
}

export interface MessageHeaders {
  /** The sender the surface shows and the signer is checked against (first mailbox of From). */
  from?: MailAddress;
  /** Every mailbox the From field(s) named. */
  fromAll: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  subject?: string;
  date?: string;
  messageId?: string;
}

export type WarningCode =
  | 'claims_encryption'
  | 'sender_ambiguous'
  | 'sender_differs'
  | 'signature_missing'
  | 'signature_time'
  | 'signed_text_damaged'
  | 'header_mismatch'
  | 'nested_encryption';

export interface VerdictWarning {
  code: WarningCode;
  /** For sender_ambiguous: why the sender is not one clear address. */
  reason?: 'several_mailboxes' | 'several_from_headers' | 'display_name_address';
  /** For signature_time: when the signature was made and the mail's Date. */
  signed?: Date;
  date?: Date;
  /** For sender_differs: the address the caller shows, and the one the mail's From names. */
  shown?: string;
  mailFrom?: string;
}

export interface MessageVerdict extends BaseVerdict {
  /** Something in the mail would be fetched if its HTML were rendered as-is (EFAIL). */
  hasRemoteContent: boolean;
  hasActiveContent: boolean;
  warnings: VerdictWarning[];
}

export interface ReadResult {
  source: InputSource;
  headers: MessageHeaders;
  /** Protected headers (draft-ietf-lamps-header-protection) as the sender wrote them. */
  protectedHeaders?: MessageHeaders;
  parts: ReadPart[];
  attachments: ReadAttachment[];
  verdict: MessageVerdict;
  /** Every envelope opened, with its full verdict (one-time prekeys to retire, duplicates). */
  envelopes: EnvelopeVerdict[];
}
