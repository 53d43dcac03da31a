// The overlay ports. Three kinds of runtime port reach the background:
//   relay   — the content script (untrusted: it runs beside the page). It may hand over what the
//             page already shows (ciphertext, recipients, subject) and receives only ciphertext.
//   read    — the read frame (extension origin). Receives the plaintext view.
//   compose — the compose frame (extension origin). Sends plaintext to encrypt.
// Frames and content script never talk through the page's postMessage: everything goes through
// the background, which checks each port's sender (background/overlay.ts). Every message is
// validated against these schemas there; unknown kinds and fields are refused.

import { z } from 'zod';
import type { NamedRecipient } from '../providers/types.ts';

export { PORT_COMPOSE, PORT_READ, PORT_RELAY, SUBJECT_PLACEHOLDER } from './names.ts';

/** A frame's token: random, in the frame URL's fragment, names the deposit the frame belongs to. */
const Token = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);
const Address = z.string().trim().max(254);
const AddressList = z.array(Address).max(500);
const MAX_ARMOR = 48 * 1024 * 1024;

export const ArmorKindSchema = z.enum(['pgp-message', 'pgp-signed', 'pgp-public-key', 'envelope']);

export const RelayIn = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('read'),
    token: Token,
    /** The first block's kind. */
    kind: ArmorKindSchema,
    /** The element's text as the page shows it: the armored block and whatever stands around it. */
    text: z.string().min(1).max(MAX_ARMOR),
    sender: Address.nullable(),
    /** The webmail's own id of the message (a re-read vs a second delivery, envelope-v1 §4.6). */
    message: z.string().min(1).max(512).nullable().optional(),
    clipped: z.boolean(),
    fullViewUrl: z.string().max(4096).nullable(),
    spare: Token.optional(),
  }),
  z.strictObject({
    t: z.literal('compose'),
    token: Token,
    to: AddressList,
    cc: AddressList,
    bcc: AddressList,
    unresolved: z
      .array(z.strictObject({ field: z.enum(['to', 'cc', 'bcc']), name: z.string().max(254) }))
      .max(500),
    subject: z.string().max(4096),
    /** Characters the user already typed into the webmail's own editor (draft leak warning). */
    typedChars: z.number().int().min(0),
    provider: z.string().max(32),
  }),
  z.strictObject({ t: z.literal('inserted'), token: Token, ok: z.boolean(), modelRegistered: z.boolean() }),
  z.strictObject({ t: z.literal('forget'), token: Token }),
  z.strictObject({ t: z.literal('ping') }),
]);
export type RelayIn = z.infer<typeof RelayIn>;

export type { RelayOut } from './names.ts';

export const ReadIn = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('open'), token: Token }),
  /** A spare frame, still without a token, waits for the block it will be given. */
  z.strictObject({ t: z.literal('spare'), spare: Token }),
  z.strictObject({ t: z.literal('importKey'), token: Token }),
  z.strictObject({ t: z.literal('resize'), token: Token, height: z.number().int().min(40).max(20_000) }),
]);
export type ReadIn = z.infer<typeof ReadIn>;

export const AttachmentIn = z.strictObject({
  name: z.string().min(1).max(255),
  type: z.string().max(255),
  /** Base64; ports carry JSON in every browser. */
  data: z.string().max(40 * 1024 * 1024),
});

export const ComposeIn = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('hello'), token: Token }),
  z.strictObject({ t: z.literal('keys'), token: Token, addresses: AddressList }),
  z.strictObject({
    t: z.literal('encrypt'),
    token: Token,
    to: AddressList,
    cc: AddressList,
    bcc: AddressList,
    subject: z.string().max(4096),
    text: z.string().max(8 * 1024 * 1024),
    sign: z.boolean(),
    attachments: z.array(AttachmentIn).max(50),
  }),
  z.strictObject({ t: z.literal('resize'), token: Token, height: z.number().int().min(40).max(20_000) }),
  z.strictObject({ t: z.literal('close'), token: Token }),
]);
export type ComposeIn = z.infer<typeof ComposeIn>;

export type KeyStatus =
  | {
      address: string;
      kind: 'native';
      fingerprint: string;
      /** The envelope identity the directory binds, and how it stands against the pin ('new': none yet). */
      envelope: { fingerprint: string; pin: 'new' | 'first_seen' | 'pinned' | 'verified' };
    }
  | {
      address: string;
      kind: 'pgp';
      fingerprint: string;
      source: string;
      /** The directory binds another envelope identity than the pinned one: OpenPGP instead, and a warning. */
      envelopeChanged?: { pinned: string; seen: string };
    }
  | { address: string; kind: 'none' }
  /** The directory's answer failed its transparency check: its key is not used (transparency-v1 §9.1). */
  | { address: string; kind: 'refused'; reason: string };

export interface SignatureView {
  keyId: string;
  fingerprint: string | null;
  status: 'valid' | 'invalid' | 'unknown_key';
  signerUserIds: string[];
  signerMatchesSender: boolean | null;
}

/** One warning of the verdict (shared/reader types.ts VerdictWarning; times as epoch ms). */
export interface WarningView {
  code: string;
  reason?: string;
  signed?: number;
  date?: number;
  shown?: string;
  mailFrom?: string;
}

export interface VerdictView {
  format: 'pgp' | 'envelope';
  encrypted: boolean;
  integrityProtected: boolean;
  /** What protected the payload, in words a user can check ("OpenPGP (SEIPD + MDC)", …). */
  cipher: string;
  signatures: SignatureView[];
  signedBySender: boolean;
  /** The address the webmail shows as sender, or null. */
  displayedSender: string | null;
  subjectProtected: boolean;
  partial: { encrypted: boolean; signed: boolean };
  /** Protected headers naming other addresses than the outer ones ('from', 'to', 'cc'). */
  headerMismatch: string[];
  warnings: WarningView[];
  /** The one-line verdict every surface shows (shared/reader verdictClass). */
  verdictClass: string;
  /**
   * envelope-v1 §4.6: a re-read shown from the kept copy carries when this device first opened
   * the envelope (unix ms); null for a fresh open and for OpenPGP.
   */
  firstOpenedAt: number | null;
  /**
   * Envelopes: the displayed sender's pinned envelope identity against the signer's
   * (background/envelope-pins.ts); absent when there is no pin for that address.
   */
  identityPin?: {
    state: 'first_seen' | 'pinned' | 'verified' | 'changed';
    fingerprint: string;
    pinned: string;
    firstSeen: number;
  };
}

/** One part of the message and what protects exactly it (the frame draws the boundaries). */
export interface PartView {
  text: string;
  /** HTML to sanitize and show without remote content, or null for text. */
  html: string | null;
  hasRemoteContent: boolean;
  encrypted: boolean;
  claimsEncryption: boolean;
  signatureMissing: boolean;
  signedTextDamaged: boolean;
  signatures: SignatureView[];
  /** The sender of the forwarded message this part belongs to, or null for the message itself. */
  forwardedFrom: string | null;
}

export interface AttachmentView {
  name: string;
  type: string;
  size: number;
  /** Base64. */
  data: string;
  encrypted: boolean;
  signed: boolean;
}

export type ReadView =
  | {
      kind: 'message';
      verdict: VerdictView;
      subject: string | null;
      parts: PartView[];
      attachments: AttachmentView[];
      clipped: boolean;
      fullViewUrl: string | null;
    }
  | {
      kind: 'key';
      fingerprint: string;
      userIds: string[];
      created: number;
      canEncrypt: boolean;
      imported: boolean;
    }
  | { kind: 'clipped'; fullViewUrl: string | null };

/** The extension locked or unlocked (background/lock-broadcast.ts): the frame asks again. */
export interface LockStateOut {
  t: 'lock';
  state: 'locked' | 'unlocked';
}

export type ReadOut =
  | LockStateOut
  /** To a spare frame: the token of the block it now shows (the view follows). */
  | { t: 'assigned'; token: string }
  | { t: 'view'; view: ReadView }
  | { t: 'failure'; code: string; message: string; clipped: boolean; fullViewUrl: string | null }
  | { t: 'imported'; fingerprint: string };

export interface ComposeContext {
  to: string[];
  cc: string[];
  bcc: string[];
  unresolved: NamedRecipient[];
  subject: string;
  typedChars: number;
  from: string | null;
  unlocked: boolean;
}

export type ComposeOut =
  | LockStateOut
  | { t: 'context'; context: ComposeContext }
  | { t: 'keys'; statuses: KeyStatus[] }
  | { t: 'progress'; step: 'encrypting' | 'inserting'; done: number; total: number }
  | { t: 'done'; format: 'native' | 'pgp'; lines: number; modelRegistered: boolean }
  | { t: 'failure'; code: string; message: string };
