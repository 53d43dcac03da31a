// §4 The summary: what the message list shows without downloading a body. The same JSON is
// sealed to the user's OpenPGP key on arrival (docs/spec/mailbox-v1.md §5) and under the inbox
// key once the extension re-encrypts it (§3). Strict: unknown fields are refused.

import { z } from 'zod';
import { fromUtf8, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { SNIPPET_MAX_CHARS, SUMMARY_MAX_BYTES } from './labels.ts';

const Text = (max: number) => z.string().max(max);

export const SummaryAddress = z.strictObject({
  name: Text(256).optional(),
  address: Text(320),
});
export type SummaryAddress = z.infer<typeof SummaryAddress>;

/** §4.2 how the sender protected the message: 'none' means it arrived as plaintext. */
export const ArrivalEncryption = z.enum(['none', 'pgp-mime', 'pgp-inline', 'envelope']);
export type ArrivalEncryption = z.infer<typeof ArrivalEncryption>;

/**
 * §4.3 an Autocrypt header (Autocrypt Level 1 §2.1) seen on a DMARC-aligned message: a hint for
 * the user's contacts, never a pinned key (nobody signed that this key belongs to `addr`).
 */
export const AutocryptHint = z.strictObject({
  addr: Text(320),
  preferEncrypt: z.enum(['mutual', 'nopreference']),
  /** Base64 of the key as the header carried it. */
  keydata: z
    .string()
    .max(12 * 1024)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/),
});
export type AutocryptHint = z.infer<typeof AutocryptHint>;

const MessageIdText = Text(998);

const SummaryV1 = z.strictObject({
  v: z.literal(1),
  from: SummaryAddress.nullable(),
  to: z.array(SummaryAddress).max(32),
  subject: Text(998),
  /** The Date header as ISO 8601 when it parses, else null (§4.1). */
  date: z.iso.datetime().nullable(),
  /** RFC 5322 Message-ID as the header carried it, for threading; null when absent. */
  messageId: Text(998).nullable(),
  snippet: Text(SNIPPET_MAX_CHARS),
  attachments: z
    .array(z.strictObject({ name: Text(256), type: Text(128), size: z.number().int().min(0) }))
    .max(64),
  encryption: ArrivalEncryption,
  autocrypt: AutocryptHint.optional(),
});

/**
 * §4.4 version 2 adds what a thread list and a Sent copy need, all inside the seal: Cc, the
 * envelope's blind recipients (Sent copies only), the threading headers and the thread id they
 * give (threadIdOf), so the list groups conversations without the server learning anything.
 */
const SummaryV2 = SummaryV1.extend({
  v: z.literal(2),
  cc: z.array(SummaryAddress).max(32),
  bcc: z.array(SummaryAddress).max(50),
  inReplyTo: MessageIdText.nullable(),
  references: z.array(MessageIdText).max(32),
  thread: MessageIdText.nullable(),
});

/** At most this many §4.5 relayedAs ids: one per relay recipient (shared/relay MAX_RECIPIENTS). */
export const RELAYED_AS_MAX = 50;

/**
 * §4.5 version 3, Sent copies only: the Message-IDs the mail service gave the delivered copies
 * when they differ from the message's own (Email Service sets its own; docs/spec/relay-v1.md §6).
 * A recipient's reply names one of them, so the thread rule matches replies against all.
 */
const SummaryV3 = SummaryV2.extend({
  v: z.literal(3),
  relayedAs: z.array(MessageIdText).min(1).max(RELAYED_AS_MAX),
});

export const Summary = z.discriminatedUnion('v', [SummaryV1, SummaryV2, SummaryV3]);
export type Summary = z.infer<typeof Summary>;
export type SummaryV2 = z.infer<typeof SummaryV2>;
export type SummaryV3 = z.infer<typeof SummaryV3>;

/**
 * RFC 5322 §3.6.4 msg-id as a comparison key: angle brackets and surrounding space dropped, so an
 * id a service reports bare matches the same id carried in a header.
 */
export function messageIdKey(id: string): string {
  return id
    .trim()
    .replace(/^<(.*)>$/su, '$1')
    .trim();
}

/** Every id a message is known by or points at (§4.4, §4.5): what the thread rule matches on. */
export function threadKeysOf(s: Summary): string[] {
  const ids = [s.messageId, ...(s.v === 1 ? [] : [s.thread, s.inReplyTo, ...s.references])];
  if (s.v === 3) ids.push(...s.relayedAs);
  return [...new Set(ids.filter((id): id is string => !!id).map(messageIdKey))].filter((k) => k !== '');
}

/**
 * §4.4 the thread a message belongs to: the first References id (the thread's root, RFC 5322
 * §3.6.4), else In-Reply-To, else its own Message-ID; null when it has none of them.
 */
export function threadIdOf(m: {
  messageId: string | null;
  inReplyTo?: string | null;
  references?: readonly string[];
}): string | null {
  return m.references?.[0] ?? m.inReplyTo ?? m.messageId ?? null;
}

/** §4 UTF-8 JSON, at most SUMMARY_MAX_BYTES. */
export function encodeSummary(summary: Summary): Uint8Array {
  const parsed = Summary.safeParse(summary);
  if (!parsed.success) throw new NoiseError('invalid_argument', 'summary: does not match its schema');
  const bytes = utf8(JSON.stringify(parsed.data));
  if (bytes.length > SUMMARY_MAX_BYTES) throw new NoiseError('invalid_argument', 'summary: too long');
  return bytes;
}

export function decodeSummary(bytes: Uint8Array): Summary {
  if (bytes.length > SUMMARY_MAX_BYTES) throw new NoiseError('malformed', 'summary: too long');
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new NoiseError('malformed', 'summary: not UTF-8 JSON');
  }
  const parsed = Summary.safeParse(json);
  if (!parsed.success) throw new NoiseError('malformed', 'summary: does not match its schema');
  return parsed.data;
}

/** Cuts text to a snippet: whitespace runs folded, at most SNIPPET_MAX_CHARS UTF-16 units, no split pair. */
export function snippetOf(text: string): string {
  let out = '';
  for (const ch of text
    .slice(0, SNIPPET_MAX_CHARS * 4)
    .replace(/\s+/gu, ' ')
    .trim()) {
    if (out.length + ch.length > SNIPPET_MAX_CHARS) break;
    out += ch;
  }
  return out;
}
