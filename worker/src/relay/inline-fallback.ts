// The inline-PGP fallback (docs/api.md, relay): when the mail service refuses the raw message —
// a header it does not allow (Autocrypt is not on Email Service's allowlist) or the raw form
// itself — the same OpenPGP ciphertext goes out as the text/plain body of a structured message,
// still encrypted end to end. Only the ciphertext, the outer Subject, the From display name and
// the threading headers are carried; To and Cc keep the message's own, the other envelope
// recipients go as Bcc. Built from the already-parsed message; nothing is decrypted.

import type { Email } from 'postal-mime';
import { normalizeAddress } from '../../../shared/address.ts';
import { mailboxesOf } from '../../../shared/address-fields.ts';

const ARMOR = '-----BEGIN PGP MESSAGE-----';
/** Email Service's allowlist has these threading headers (reference, "Email headers"). */
const THREADING = [
  ['in-reply-to', 'In-Reply-To'],
  ['references', 'References'],
] as const;

/** The armored OpenPGP message of PGP/MIME (RFC 3156 §4 second part) or of an inline body. */
function armoredCiphertext(email: Email): string | null {
  for (const a of email.attachments) {
    const text = typeof a.content === 'string' ? a.content : new TextDecoder().decode(a.content);
    if (a.mimeType.toLowerCase() === 'application/octet-stream' && text.includes(ARMOR)) return text;
  }
  const body = email.text ?? '';
  return body.includes(ARMOR) || body.includes('-----BEGIN NOISE ENVELOPE-----') ? body : null;
}

function addresses(list: Email['to']): Set<string> {
  return new Set(mailboxesOf(list).map((m) => m.address));
}

export function inlineFallback(
  email: Email,
  headerFrom: string,
  recipients: readonly string[],
): EmailMessageBuilder | null {
  const text = armoredCiphertext(email);
  if (!text || recipients.length === 0) return null;
  const inTo = addresses(email.to);
  const inCc = addresses(email.cc);
  const field = (r: string) => {
    const address = normalizeAddress(r);
    return inTo.has(address) ? 'to' : inCc.has(address) ? 'cc' : 'bcc';
  };
  const to = recipients.filter((r) => field(r) === 'to');
  const cc = recipients.filter((r) => field(r) === 'cc');
  const bcc = recipients.filter((r) => field(r) === 'bcc');
  const headers: Record<string, string> = {};
  for (const [key, name] of THREADING) {
    const value = email.headers.find((h) => h.key === key)?.value.trim();
    if (value) headers[name] = value;
  }
  const name = email.from && !email.from.group ? email.from.name : '';
  const destinations = {
    ...(to.length ? { to } : {}),
    ...(cc.length ? { cc } : {}),
    ...(bcc.length ? { bcc } : {}),
  } as EmailMessageBuilder;
  return {
    ...destinations,
    from: name ? { email: headerFrom, name } : headerFrom,
    subject: email.subject ?? '',
    text,
    ...(Object.keys(headers).length ? { headers } : {}),
  };
}
