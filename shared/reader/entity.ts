// One MIME entity's header fields as the reader needs them: content type, disposition, file
// name (RFC 2231 and RFC 2047 forms), transfer encoding, and a message's address headers.
// Structure comes from shared/pgp/mime-slice.ts (exact bytes); words and addresses are decoded
// by postal-mime's parsers.

import { decodeWords } from 'postal-mime';
import { mailboxesIn } from '../address-fields.ts';
import { latin1 } from '../encoding.ts';
import { type ContentType, parseContentType, type RawEntity, splitEntity } from '../pgp/mime-slice.ts';
import type { MailAddress, MessageHeaders } from './types.ts';

export interface Entity {
  raw: RawEntity;
  /** The entity's bytes, headers included (what RFC 3156 §5 signs). */
  bytes: Uint8Array;
  contentType: ContentType;
  /** RFC 2183 disposition type, lowercased, when given. */
  disposition?: string;
  filename?: string;
  /** Lowercased Content-Transfer-Encoding, '7bit' when absent (RFC 2045 §6.1). */
  transferEncoding: string;
}

export function readEntity(bytes: Uint8Array): Entity {
  const raw = splitEntity(bytes);
  const contentType = parseContentType(raw.headers.get('content-type'));
  const dispositionField = raw.headers.get('content-disposition');
  const disposition = dispositionField ? parseContentType(dispositionField) : undefined;
  const filename =
    parameter(disposition?.params, 'filename') ?? parameter(contentType.params, 'name') ?? undefined;
  return {
    raw,
    bytes,
    contentType,
    ...(disposition ? { disposition: disposition.type } : {}),
    ...(filename ? { filename } : {}),
    transferEncoding: (raw.headers.get('content-transfer-encoding') ?? '7bit').trim().toLowerCase(),
  };
}

/**
 * A parameter value, with RFC 2231 §3–4 continuations (`name*0*=`, `name*1=`) and charset
 * (`name*=utf-8''%E2%82%AC`), or RFC 2047 encoded words as many mailers send them.
 */
export function parameter(params: Map<string, string> | undefined, name: string): string | undefined {
  if (!params) return undefined;
  const plain = params.get(name);
  if (plain !== undefined) return decodeWords(plain);
  const extended = params.get(`${name}*`);
  if (extended !== undefined) return decodeExtended(extended);
  const pieces: string[] = [];
  let encoded = false;
  for (let i = 0; i < 100; i++) {
    const piece = params.get(`${name}*${i}*`);
    if (piece !== undefined) {
      pieces.push(piece);
      encoded = true;
      continue;
    }
    const literal = params.get(`${name}*${i}`);
    if (literal === undefined) break;
    pieces.push(encoded ? encodeURIComponent(literal) : literal);
  }
  if (pieces.length === 0) return undefined;
  return encoded ? decodeExtended(pieces.join('')) : pieces.join('');
}

/** RFC 2231 §4: charset'language'percent-encoded. */
function decodeExtended(value: string): string {
  const m = /^([^']*)'[^']*'(.*)$/.exec(value);
  const charset = (m?.[1] || 'utf-8').toLowerCase();
  const text = m ? m[2]! : value;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  try {
    return new TextDecoder(charset).decode(new Uint8Array(bytes));
  } catch {
    return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
  }
}

/** Mailboxes with an address, as the field wrote it (shown to the reader; compared in normal form). */
function mailboxes(value: string | undefined): MailAddress[] {
  if (!value) return [];
  return mailboxesIn(value)
    .filter((m) => m.address)
    .map((m) => ({ ...(m.name ? { name: m.name } : {}), address: m.written }));
}

/** The headers of a message (the mail itself, or a forwarded message/rfc822). */
export function messageHeaders(raw: RawEntity): MessageHeaders {
  const fromAll = raw.fields.filter(([n]) => n === 'from').flatMap(([, v]) => mailboxes(v));
  const subject = raw.headers.get('subject');
  const date = raw.headers.get('date');
  const messageId = raw.headers.get('message-id');
  return {
    ...(fromAll[0] ? { from: fromAll[0] } : {}),
    fromAll,
    to: raw.fields.filter(([n]) => n === 'to').flatMap(([, v]) => mailboxes(v)),
    cc: raw.fields.filter(([n]) => n === 'cc').flatMap(([, v]) => mailboxes(v)),
    ...(subject !== undefined ? { subject: decodeWords(subject) } : {}),
    ...(date !== undefined ? { date } : {}),
    ...(messageId !== undefined ? { messageId } : {}),
  };
}

/** How many From fields the header section has (RFC 5322 §3.6: exactly one). */
export function fromFieldCount(raw: RawEntity): number {
  return raw.fields.filter(([n]) => n === 'from').length;
}

/**
 * Whether bytes start like a MIME entity: a header field on the first line, a blank line after
 * the header section, and a Content-Type among the fields (RFC 2045 §5). Plain decrypted text
 * that happens to start with "Word:" stays text.
 */
export function looksLikeEntity(bytes: Uint8Array): boolean {
  const head = latin1(bytes.subarray(0, 16384));
  const end = head.search(/\r?\n\r?\n/);
  if (end < 0) return false;
  const fields = head.slice(0, end);
  return /^[\x21-\x39\x3b-\x7e]+:/.test(fields) && /^content-type:/im.test(fields);
}
