// What a reader was handed: a mail (RFC 5322), a mail in mbox framing, a binary OpenPGP message, a
// binary envelope, or text holding armor (a body copied from webmail, an .asc file).

import { latin1 } from '../encoding.ts';
import { LABEL_FORMAT_FAMILY } from '../envelope/labels.ts';
import type { InputSource } from './types.ts';

const ENVELOPE_MAGIC = Uint8Array.from(LABEL_FORMAT_FAMILY, (c) => c.charCodeAt(0));
const FROM_ = Uint8Array.from('From ', (c) => c.charCodeAt(0));

function startsWith(bytes: Uint8Array, prefix: Uint8Array, at = 0): boolean {
  if (bytes.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

function isUtf8Text(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 4096), { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * RFC 5322 §2.2: a header section of `Name: value` lines, then a blank line, naming at least one
 * field a mail has. Text that merely starts with "Note: …" is not a mail.
 */
function looksLikeMail(bytes: Uint8Array): boolean {
  const head = latin1(bytes.subarray(0, 65536));
  const blank = head.search(/\r?\n\r?\n/);
  if (blank <= 0) return false;
  const fields = head.slice(0, blank);
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(fields)) return false;
  return /^(?:from|mime-version|content-type|message-id|subject|to|date|received|return-path):/im.test(
    fields,
  );
}

/**
 * The mail inside mbox framing (RFC 4155): the `From ` separator line goes, and `>From ` lines
 * quoted by the mbox writer (mboxrd) lose one `>`. One message is read: the first.
 */
function unframeMbox(bytes: Uint8Array): Uint8Array {
  const lf = bytes.indexOf(0x0a);
  const body = lf < 0 ? new Uint8Array(0) : bytes.subarray(lf + 1);
  const quoted: number[] = [];
  for (let i = 0; i < body.length; i = body.indexOf(0x0a, i) + 1) {
    let j = i;
    while (body[j] === 0x3e) j++;
    if (j > i && startsWith(body, FROM_, j)) quoted.push(i);
    if (body.indexOf(0x0a, i) < 0) break;
  }
  if (quoted.length === 0) return body;
  const out = new Uint8Array(body.length - quoted.length);
  let from = 0;
  let to = 0;
  for (const at of quoted) {
    out.set(body.subarray(from, at), to);
    to += at - from;
    from = at + 1;
  }
  out.set(body.subarray(from), to);
  return out;
}

/** Recognises the input and returns the bytes to read (the mail itself for mbox). */
export function recognise(input: Uint8Array): { source: InputSource; bytes: Uint8Array } {
  if (startsWith(input, ENVELOPE_MAGIC)) return { source: 'envelope-binary', bytes: input };
  if (input.length > 0 && (input[0]! & 0x80) !== 0 && !isUtf8Text(input)) {
    return { source: 'pgp-binary', bytes: input };
  }
  if (startsWith(input, FROM_)) {
    const mail = unframeMbox(input);
    if (looksLikeMail(mail)) return { source: 'mbox', bytes: mail };
  }
  if (looksLikeMail(input)) return { source: 'eml', bytes: input };
  return { source: 'armor', bytes: input };
}
