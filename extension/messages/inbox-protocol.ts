// The inbox page's commands to the background (joined into messages/protocol.ts REQUESTS), and
// what comes back. Plaintext of a mail goes to our own inbox page only, as the read view goes to
// the read frame: the router refuses any sender but the extension's own pages.

import { z } from 'zod';
import type { AuthVerdicts, Folder, StoredFormat } from '../../shared/api/inbox.ts';
import type { ArrivalEncryption, SummaryAddress } from '../../shared/mailbox/index.ts';
import type { KeyStatus, ReadView } from '../overlay/protocol.ts';

const Address = z.string().trim().min(3).max(254);
const MessageId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
const FolderName = z.enum(['inbox', 'sent']);
const Message = { address: Address, id: MessageId };
/** The relay's recipient limit (docs/spec/relay-v1.md §4). */
const MAX_RECIPIENTS = 50;
/** A file the compose form attaches, base64; the relay's largest message is 25 MiB. */
const ComposeAttachment = z.strictObject({
  name: z.string().trim().min(1).max(255),
  type: z.string().max(128),
  data: z.string().max(Math.ceil((25 * 1024 * 1024) / 3) * 4),
});

export const InboxSendRequest = z.strictObject({
  /** One of the account's inboxes (the relay refuses any other From with 403). */
  from: Address,
  to: z.array(Address).max(MAX_RECIPIENTS),
  cc: z.array(Address).max(MAX_RECIPIENTS),
  subject: z.string().max(998),
  text: z.string().max(5 * 1024 * 1024),
  attachments: z.array(ComposeAttachment).max(64),
  /** The opened message this answers: In-Reply-To and References come from it. */
  replyTo: z.strictObject(Message).optional(),
  /** The opened message this forwards: its attachments are carried. */
  forward: z.strictObject(Message).optional(),
  /** For recipients without a key: send them plaintext sealed to the relay, or leave them out. */
  withoutKey: z.enum(['seal', 'omit']).optional(),
  /** Every recipient without a key the sender confirmed the plaintext warning for. */
  confirmedUnencrypted: z.array(Address).max(MAX_RECIPIENTS),
});
export type InboxSendRequest = z.infer<typeof InboxSendRequest>;

export const INBOX_REQUESTS = {
  /** The account's inboxes, their use, the quota and the unread counts. */
  'inbox.overview': z.strictObject({}),
  'inbox.list': z.strictObject({
    address: Address,
    folder: FolderName.optional(),
    before: z
      .string()
      .regex(/^\d{1,16}\.[A-Za-z0-9_-]{22}$/)
      .optional(),
    limit: z.number().int().min(1).max(100).optional(),
  }),
  'inbox.open': z.strictObject(Message),
  /** How far the open of this message is (download, decrypt, re-seal); null when none runs. */
  'inbox.progress': z.strictObject(Message),
  /** A piece of an attachment of the message last opened (base64), for a download with progress. */
  'inbox.attachment': z.strictObject({
    ...Message,
    index: z.number().int().min(0).max(1000),
    offset: z.number().int().min(0),
  }),
  'inbox.flags': z
    .strictObject({ ...Message, read: z.boolean().optional(), starred: z.boolean().optional() })
    .refine((f) => f.read !== undefined || f.starred !== undefined, 'no flag given'),
  'inbox.delete': z.strictObject(Message),
  'inbox.search': z.strictObject({
    query: z.string().max(500),
    limit: z.number().int().min(1).max(200).optional(),
  }),
  'inbox.claim': z.strictObject({ address: Address }),
  'inbox.release': z.strictObject({ address: Address, confirm: z.literal(true) }),
  'inbox.rotateKey': z.strictObject({ confirm: z.literal(true) }),
  'inbox.rotation': z.strictObject({}),
  /** Each recipient's state before sending: encrypted, no key, or refused by the transparency checks. */
  'inbox.recipients': z.strictObject({ addresses: z.array(Address).min(1).max(MAX_RECIPIENTS) }),
  /** What a reply, reply-all or forward of an opened message starts with. */
  'inbox.draft': z.strictObject({ ...Message, kind: z.enum(['reply', 'replyAll', 'forward']) }),
  'inbox.send': InboxSendRequest,
  'inbox.settings': z.strictObject({
    pollSeconds: z.number().int().min(30).max(3600).optional(),
    notify: z.boolean().optional(),
  }),
} as const;

export type InboxCommand = keyof typeof INBOX_REQUESTS;

/** One message in the list: the server's facts and what its decrypted summary says. */
export interface InboxRowView {
  address: string;
  id: string;
  folder: Folder;
  receivedAt: number;
  size: number;
  read: boolean;
  starred: boolean;
  /** Cloudflare's verdicts as the server recorded them; 'unknown' is a real state. */
  auth: AuthVerdicts;
  /** 'pgp' until the first open re-seals it under the inbox key. */
  stored: StoredFormat;
  from: SummaryAddress | null;
  to: SummaryAddress[];
  subject: string;
  /** Unix ms of the Date header, or null. */
  date: number | null;
  snippet: string;
  attachments: number;
  encryption: ArrivalEncryption;
  /** The conversation it belongs to (In-Reply-To/References, mailbox-v1 §4.4), or null. */
  thread: string | null;
  /**
   * Every id the message is known by or points at (mailbox-v1 §4.4, §4.5 threadKeysOf): a row
   * joins any thread one of them names, so a reply to a relayed copy finds the Sent message.
   */
  threadKeys: string[];
  /** Why the summary could not be opened (an error code), else null. */
  failure: string | null;
}

/** An opened message: the row, the reader's view (attachments come in pieces, data left out). */
export interface InboxOpenView {
  row: InboxRowView;
  view: Extract<ReadView, { kind: 'message' }>;
  /** Whether this open needed the private key (only the first open of an arrival does). */
  privateKeyUsed: boolean;
  /** This open re-sealed the server's copy under the inbox key. */
  resealed: boolean;
  resealFailed: string | null;
}

export interface InboxOverview {
  inboxes: { address: string; bytes: number; messages: number; unread: number }[];
  quota: { bytes: number; messages: number; usedBytes: number; usedMessages: number };
  /** The account's sign-in address (it cannot be released). */
  account: string;
  pollSeconds: number;
  notify: boolean;
}

export interface InboxDraftView {
  to: string[];
  cc: string[];
  subject: string;
  /** The message answered or forwarded, for the quote the page writes in the user's language. */
  quoted: { from: string; date: number | null; text: string };
  /** Files a forward carries (the background holds their bytes). */
  attachments: { name: string; type: string; size: number }[];
}

export interface InboxSendView {
  messageId: string;
  encryptedTo: string[];
  /** Sent as plaintext sealed to the relay, by the sender's confirmed choice. */
  sealedTo: string[];
  omitted: string[];
  /** 'inline-pgp': the mail service refused PGP/MIME; the same ciphertext went as text/plain. */
  delivery: 'raw' | 'inline-pgp';
  fallbackReason?: string;
  /** Recipients the relay or the mail service did not take, with our error code. */
  failed: { address: string; code: string }[];
  /** The Sent copy's id, or null with the reason it did not land. */
  sentId: string | null;
  sentCopyFailed: string | null;
}

export interface RotationView {
  running: boolean;
  moved: number;
  failed: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** How many inbox keys the vault holds. */
  keys: number;
}

export interface InboxResponses {
  'inbox.overview': InboxOverview;
  'inbox.list': { messages: InboxRowView[]; next: string | null };
  'inbox.open': InboxOpenView;
  'inbox.progress': { step: string; done: number; total: number } | null;
  'inbox.attachment': { data: string; offset: number; total: number; name: string; type: string };
  'inbox.flags': InboxRowView;
  'inbox.delete': { deleted: true };
  'inbox.search': { hits: { address: string; id: string; from: string; subject: string; date: number }[] };
  'inbox.claim': InboxOverview;
  'inbox.release': InboxOverview;
  'inbox.rotateKey': RotationView;
  'inbox.rotation': RotationView;
  'inbox.settings': { pollSeconds: number; notify: boolean };
  'inbox.recipients': { statuses: KeyStatus[] };
  'inbox.draft': InboxDraftView;
  'inbox.send': InboxSendView;
}
