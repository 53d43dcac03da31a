// Request and response schemas of the inbox API (docs/api.md, inboxes): one mailbox per inbox
// address the account owns. Sealed summaries travel as base64url; bodies as raw bytes. Objects
// are strict: unknown fields are refused.

import { z } from 'zod';
import { AccountAddress } from './accounts.ts';
import { BASE64URL } from './directory.ts';
import { DecimalInteger } from './fields.ts';

export const INBOX_ROUTES = {
  inboxes: '/api/v1/inboxes',
  inbox: (address: string) => `/api/v1/inboxes/${encodeURIComponent(address)}`,
  messages: (address: string) => `/api/v1/inboxes/${encodeURIComponent(address)}/messages`,
  message: (address: string, id: string) =>
    `/api/v1/inboxes/${encodeURIComponent(address)}/messages/${encodeURIComponent(id)}`,
  body: (address: string, id: string) =>
    `/api/v1/inboxes/${encodeURIComponent(address)}/messages/${encodeURIComponent(id)}/body`,
  changes: (address: string) => `/api/v1/inboxes/${encodeURIComponent(address)}/changes`,
  /** POST: a watch token for this inbox (docs/api.md, "Watching an inbox"). */
  watchToken: (address: string) => `/api/v1/inboxes/${encodeURIComponent(address)}/watch`,
  /** GET with `Authorization: Watch <token>`: the cursor and unread count, no session needed. */
  watch: (address: string) => `/api/v1/watch/${encodeURIComponent(address)}`,
  /** PUT: the client's Sent copy under an id it drew (docs/api.md, "Sent copies"). */
  sent: (address: string, id: string) =>
    `/api/v1/inboxes/${encodeURIComponent(address)}/sent/${encodeURIComponent(id)}`,
} as const;

/** Server-made message ids: 16 random bytes, base64url. */
export const MessageId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
export const InboxAddress = AccountAddress;

/** 'inbox': mail that arrived; 'sent': Sent copies the client uploaded. */
export const Folder = z.enum(['inbox', 'sent']);
export type Folder = z.infer<typeof Folder>;

/** 'pgp': sealed on arrival to the directory key; 'inbox-v1': re-encrypted under the inbox key. */
export const StoredFormat = z.enum(['pgp', 'inbox-v1']);
export type StoredFormat = z.infer<typeof StoredFormat>;

/** RFC 8601 results from Cloudflare's Authentication-Results; 'unknown' when it recorded none. */
export const AuthResult = z.enum([
  'pass',
  'fail',
  'softfail',
  'neutral',
  'none',
  'temperror',
  'permerror',
  'policy',
  'unknown',
]);
export type AuthResult = z.infer<typeof AuthResult>;
export const AuthVerdicts = z.strictObject({
  spf: AuthResult,
  dkim: AuthResult,
  dmarc: AuthResult,
  /** DMARC passed for the From address's domain. */
  aligned: z.boolean(),
});
export type AuthVerdicts = z.infer<typeof AuthVerdicts>;

export const InboxMessage = z.strictObject({
  id: MessageId,
  folder: Folder,
  receivedAt: z.number().int(),
  /** Bytes of the sealed body. */
  size: z.number().int().min(0),
  format: StoredFormat,
  /** Compare-and-swap version of summary and body (If-Match on replace). */
  version: z.number().int().min(1),
  flags: z.strictObject({ read: z.boolean(), starred: z.boolean() }),
  auth: AuthVerdicts,
  /** The sealed summary, base64url (docs/spec/mailbox-v1.md §4, §5). */
  summary: z.string().regex(BASE64URL),
});
export type InboxMessage = z.infer<typeof InboxMessage>;

export const MessageListQuery = z.strictObject({
  /** Which folder to list; the inbox when absent. */
  folder: Folder.optional(),
  limit: DecimalInteger.pipe(z.number().min(1).max(200)).optional(),
  /** The `next` of the previous page. */
  before: z
    .string()
    .regex(/^\d{1,16}\.[A-Za-z0-9_-]{22}$/)
    .optional(),
});
export const MessageListResponse = z.strictObject({
  messages: z.array(InboxMessage),
  next: z.string().nullable(),
});
export type MessageListResponse = z.infer<typeof MessageListResponse>;

export const FlagsRequest = z
  .strictObject({ read: z.boolean().optional(), starred: z.boolean().optional() })
  .refine((f) => f.read !== undefined || f.starred !== undefined, 'no flag given');
export type FlagsRequest = z.infer<typeof FlagsRequest>;

export const ChangesQuery = z.strictObject({
  since: DecimalInteger,
});
export const Change = z.strictObject({
  id: MessageId,
  cursor: z.number().int(),
  deleted: z.boolean(),
  message: InboxMessage.optional(),
});
export const ChangesResponse = z.strictObject({
  /** Pass as `since` next time; also the ETag. */
  cursor: z.number().int().min(0),
  changes: z.array(Change),
  /** More changes wait: ask again with `cursor` at once. */
  more: z.boolean(),
});
export type ChangesResponse = z.infer<typeof ChangesResponse>;

export const QuotaInfo = z.strictObject({
  bytes: z.number().int(),
  messages: z.number().int(),
  usedBytes: z.number().int(),
  usedMessages: z.number().int(),
});
export const InboxesResponse = z.strictObject({
  inboxes: z.array(
    z.strictObject({
      address: z.string(),
      bytes: z.number().int(),
      messages: z.number().int(),
      cursor: z.number().int(),
    }),
  ),
  quota: QuotaInfo,
});
export type InboxesResponse = z.infer<typeof InboxesResponse>;

export const InboxOkResponse = z.strictObject({ ok: z.literal(true) });

/** A watch token: 256 random bits, base64url. */
export const WatchToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
export const WatchTokenResponse = z.strictObject({ token: WatchToken });
/** What a watch token learns of its inbox: the change cursor and how many inbox messages are unread. */
export const WatchResponse = z.strictObject({
  cursor: z.number().int().min(0),
  unread: z.number().int().min(0),
});
export type WatchResponse = z.infer<typeof WatchResponse>;

/** The watch answer's ETag, so an unchanged inbox answers 304 (RFC 9110 §13.1.2). */
export function watchTag(w: WatchResponse): string {
  return `"w${w.cursor}.${w.unread}"`;
}

/**
 * Replace body framing (docs/api.md): u32 big-endian length of the sealed summary ‖ the sealed
 * summary ‖ the sealed body. One request, so one compare-and-swap covers both.
 */
export function frameReplacement(summary: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + summary.length + body.length);
  new DataView(out.buffer).setUint32(0, summary.length);
  out.set(summary, 4);
  out.set(body, 4 + summary.length);
  return out;
}
