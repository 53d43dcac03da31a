// The list metadata of an arrival (docs/spec/mailbox-v1.md §4): From, To, Subject, Date, a text
// snippet, attachment names, how the sender protected the message, and an Autocrypt hint. Built
// in memory from the parsed message and sealed at once; never stored or logged as it is.

import type { Email } from 'postal-mime';
import { type Mailbox, mailboxesOf } from '../../../shared/address-fields.ts';
import { findArmor } from '../../../shared/armor/index.ts';
import type { ArrivalEncryption, Summary, SummaryAddress } from '../../../shared/mailbox/summary.ts';
import { encodeSummary, snippetOf, threadIdOf } from '../../../shared/mailbox/summary.ts';
import { htmlToText } from '../../../shared/pgp/index.ts';
import type { AuthVerdicts } from './auth-results.ts';
import { autocryptHint } from './autocrypt.ts';

/** Cuts a string to at most `max` UTF-16 units without splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** A mailbox as the summary shows it: the name and the address as the sender wrote them. */
function summaryAddress(m: Mailbox): SummaryAddress {
  const name = clip(m.name, 256);
  return { ...(name ? { name } : {}), address: clip(m.written, 320) };
}

/** RFC 3156 §4 PGP/MIME, or a body that is nothing but armored ciphertext (ours or OpenPGP). */
export function arrivalEncryption(email: Email): ArrivalEncryption {
  const type = email.headers.find((h) => h.key === 'content-type')?.value.toLowerCase() ?? '';
  if (/^\s*multipart\/encrypted\b/.test(type) && /protocol\s*=\s*"?application\/pgp-encrypted"?/.test(type))
    return 'pgp-mime';
  const text = email.text ?? '';
  const blocks = findArmor(text);
  if (blocks.length === 0) return 'none';
  if (!blocks.every((b) => b.kind === 'pgp-message' || b.kind === 'envelope')) return 'none';
  let outside = '';
  let at = 0;
  for (const b of blocks) {
    outside += text.slice(at, b.start);
    at = b.end;
  }
  outside += text.slice(at);
  // Text next to the ciphertext is plaintext the sender wrote: the arrival is not "encrypted".
  if (outside.replace(/[\s>]/g, '') !== '') return 'none';
  return blocks.every((b) => b.kind === 'envelope') ? 'envelope' : 'pgp-inline';
}

function isoDate(date: string | undefined): string | null {
  if (!date) return null;
  const t = Date.parse(date);
  // Years past 9999 have no plain ISO 8601 form (toISOString gives "+010000-…"): no date then.
  return Number.isFinite(t) && t >= 0 && t < 253402300800000 ? new Date(t).toISOString() : null;
}

/** RFC 5322 §3.6.4 msg-ids of a References or In-Reply-To value, each clipped for the summary. */
function messageIds(value: string | undefined): string[] {
  return (value?.match(/<[^<>\s]{1,996}>/g) ?? []).map((id) => clip(id, 998));
}

export function summaryOf(email: Email, verdicts: AuthVerdicts): Summary {
  const from = mailboxesOf(email.from ? [email.from] : undefined)[0];
  const messageId = email.messageId ? clip(email.messageId, 998) : null;
  const inReplyTo = messageIds(email.inReplyTo)[0] ?? null;
  // The root and the latest ids are what threading needs (RFC 5322 §3.6.4): keep both ends.
  const allReferences = messageIds(email.references);
  const references =
    allReferences.length > 32 ? [...allReferences.slice(0, 1), ...allReferences.slice(-31)] : allReferences;
  const encryption = arrivalEncryption(email);
  // A snippet only of plaintext: an encrypted arrival's text is ciphertext.
  const text = encryption === 'none' ? (email.text ?? (email.html ? htmlToText(email.html) : '')) : '';
  const hint = autocryptHint(email.headers, from?.written, verdicts);
  return {
    v: 2,
    from: from ? summaryAddress(from) : null,
    to: mailboxesOf(email.to).slice(0, 32).map(summaryAddress),
    cc: mailboxesOf(email.cc).slice(0, 32).map(summaryAddress),
    bcc: [],
    subject: clip(email.subject ?? '', 998),
    date: isoDate(email.date),
    messageId,
    inReplyTo,
    references,
    thread: threadIdOf({ messageId, inReplyTo, references }),
    snippet: snippetOf(text),
    attachments: email.attachments.slice(0, 64).map((a) => ({
      name: clip(a.filename ?? '', 256),
      type: clip(a.mimeType, 128),
      size: typeof a.content === 'string' ? a.content.length : a.content.byteLength,
    })),
    encryption,
    ...(hint ? { autocrypt: hint } : {}),
  };
}

/**
 * The summary as sealed bytes' plaintext: when escaping makes it longer than the format allows
 * (§4), the hint, then the long lists, then the subject give way, so an arrival never fails on it.
 */
export function encodeFittedSummary(summary: Summary): Uint8Array {
  const attempts: Summary[] = [
    summary,
    { ...summary, autocrypt: undefined },
    {
      ...summary,
      autocrypt: undefined,
      to: summary.to.slice(0, 1),
      attachments: summary.attachments.slice(0, 8),
      ...(summary.v === 2
        ? {
            cc: [],
            references: [...new Set([...summary.references.slice(0, 1), ...summary.references.slice(-1)])],
          }
        : {}),
    },
    {
      ...emptySummary(),
      date: summary.date,
      encryption: summary.encryption,
      subject: clip(summary.subject, 200),
    },
  ];
  for (const attempt of attempts) {
    const { autocrypt, ...rest } = attempt;
    try {
      return encodeSummary(autocrypt ? { ...rest, autocrypt } : rest);
    } catch {
      // too long: try the next, smaller one
    }
  }
  return encodeSummary(emptySummary());
}

/** The summary of a message postal-mime could not parse: nothing known but its arrival. */
export function emptySummary(): Summary {
  return {
    v: 1,
    from: null,
    to: [],
    subject: '',
    date: null,
    messageId: null,
    snippet: '',
    attachments: [],
    encryption: 'none',
  };
}
