// Building PGP/MIME mail (RFC 3156): multipart/encrypted and multipart/signed around an inner
// entity made with mimetext, with protected headers (draft-ietf-lamps-header-protection, "v1").
import { type EnvironmentContext, Mailbox, MIMEMessage, MIMEMessageHeader } from 'mimetext/browser';
import type { PrivateKey } from 'openpgp';
import { domainOf, isAddress } from '../address.ts';
import { toBase64, toBase64Url, toHex, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { encryptMessage } from './encrypt.ts';
import type { KeyInput } from './keys.ts';
import { signDetached } from './signatures.ts';

export interface MailAddress {
  name?: string;
  address: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

export interface MailContent {
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  subject: string;
  date?: Date;
  messageId?: string;
  /** RFC 5322 §3.6.4 threading: the Message-ID replied to, and the thread's ids oldest first. */
  inReplyTo?: string;
  references?: string[];
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

/** What the outer Subject becomes when the real one travels encrypted (LAMPS draft, §"[...]"). */
export const HIDDEN_SUBJECT = '[...]';

const CRLF = '\r\n';

// Our own environment for mimetext: CRLF everywhere (RFC 5322 §2.1), web-standard base64, so the
// output is the same in the extension, the Worker and Node.
const ENV: EnvironmentContext = {
  toBase64: (v: string) => toBase64(utf8(v)),
  toBase64WebSafe: (v: string) => toBase64Url(utf8(v)),
  eol: CRLF,
  validateContentType: (v: string) => (/^[\w.+-]+\/[\w.+-]+$/.test(v) ? v : false),
};

function assertAddress(a: MailAddress): void {
  // An address (docs/api.md, Addresses) has nothing that could break out of the line or the <>.
  if (!isAddress(a.address)) {
    throw new NoiseError('invalid_argument', 'not a plain e-mail address');
  }
  if (a.name !== undefined && /[\r\n]/.test(a.name))
    throw new NoiseError('invalid_argument', 'line break in a display name');
}

function mailbox(a: MailAddress, type: 'From' | 'To' | 'Cc'): Mailbox {
  assertAddress(a);
  return new Mailbox(a.name ? { addr: a.address, name: a.name } : { addr: a.address }, { type });
}

function randomToken(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** RFC 5322 §3.3 date-time in UTC. */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

export function newMessageId(from: MailAddress): string {
  return `<${randomToken(16)}@${domainOf(from.address)}>`;
}

/** Base64 in lines of 76 characters (RFC 2045 §6.8). */
function base64Lines(bytes: Uint8Array): string {
  const b64 = toBase64(bytes);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/**
 * Subject as plain text when it is printable ASCII, else RFC 2047 encoded words of at most 75
 * characters (§2), folded onto continuation lines.
 */
function encodeSubject(v: unknown): string {
  const s = typeof v === 'string' ? v : '';
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  const words: string[] = [];
  let chunk = '';
  for (const ch of s) {
    if (utf8(chunk + ch).length > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?utf-8?B?${toBase64(utf8(w))}?=`).join(`${CRLF} `);
}

function setHeaders(target: MIMEMessage | MIMEMessageHeader, c: MailContent, subject: string): void {
  const fields = target instanceof MIMEMessage ? target.headers.fields : target.fields;
  const subjectField = fields.find((f) => f.name === 'Subject');
  if (subjectField) subjectField.dump = encodeSubject;
  const set = (name: string, v: string | Mailbox | Mailbox[]) =>
    target instanceof MIMEMessage ? target.setHeader(name, v) : target.set(name, v);
  set('From', mailbox(c.from, 'From'));
  if (c.to.length)
    set(
      'To',
      c.to.map((a) => mailbox(a, 'To')),
    );
  if (c.cc?.length)
    set(
      'Cc',
      c.cc.map((a) => mailbox(a, 'Cc')),
    );
  set('Subject', subject);
  set('Date', rfc5322Date(c.date ?? new Date()));
  const id = c.messageId ?? newMessageId(c.from);
  if (!MSG_ID.test(id)) throw new NoiseError('invalid_argument', 'malformed Message-ID');
  set('Message-ID', id);
  if (c.inReplyTo !== undefined) {
    if (!MSG_ID.test(c.inReplyTo)) throw new NoiseError('invalid_argument', 'malformed In-Reply-To');
    set('In-Reply-To', c.inReplyTo);
  }
  if (c.references?.length) {
    if (!c.references.every((r) => MSG_ID.test(r)))
      throw new NoiseError('invalid_argument', 'malformed References');
    set('References', c.references.join(' '));
  }
}

/** RFC 5322 §3.6.4 msg-id in its common dot-atom form. */
const MSG_ID = /^<[^\s<>]+@[^\s<>]+>$/;

/**
 * Extra header lines of the outer message only (outside what is signed or encrypted, so adding
 * them never breaks a signature), e.g. Autocrypt. Each value is folded already; no line break
 * may start anything but a continuation line.
 */
function extraLines(headers: readonly (readonly [string, string])[] | undefined): string[] {
  return (headers ?? []).map(([name, value]) => {
    if (!/^[A-Za-z0-9-]+$/.test(name) || /[\r\n]/.test(value.replace(/\r\n[ \t]/g, '')))
      throw new NoiseError('invalid_argument', 'malformed extra header');
    return `${name}: ${value}`;
  });
}

/**
 * The inner MIME entity: text (and HTML) plus attachments, every body base64 so the entity is
 * 7-bit clean as RFC 3156 §3 requires of signed data. With protected headers the entity carries
 * From/To/Cc/Subject/Date/Message-ID and its Content-Type gets protected-headers="v1".
 */
export function buildInnerEntity(content: MailContent, options: { protectedHeaders?: boolean } = {}): string {
  if (!content.messageId) content = { ...content, messageId: newMessageId(content.from) };
  if (!content.date) content = { ...content, date: new Date() };
  const msg = new MIMEMessage(ENV);
  setHeaders(msg, content, content.subject);
  msg.addMessage({ contentType: 'text/plain', data: base64Lines(utf8(content.text)), encoding: 'base64' });
  if (content.html !== undefined) {
    msg.addMessage({ contentType: 'text/html', data: base64Lines(utf8(content.html)), encoding: 'base64' });
  }
  for (const a of content.attachments ?? []) {
    if (/["\r\n\\]/.test(a.filename))
      throw new NoiseError('invalid_argument', 'unsupported character in a file name');
    msg.addAttachment({
      filename: a.filename,
      contentType: a.contentType,
      data: base64Lines(a.data),
      encoding: 'base64',
    });
  }
  let raw = msg.asRaw();
  if (options.protectedHeaders !== false) {
    // The first Content-Type line is the entity's own (mimetext writes the header block first).
    raw = raw.replace(/^(Content-Type: [^\r\n]*)/m, '$1; protected-headers="v1"');
  } else {
    // Without header protection only the body parts are carried: drop the message headers.
    raw = raw.replace(
      /^(?:(?:Date|From|To|Cc|Message-ID|In-Reply-To|References|Subject|MIME-Version): [^\r\n]*(?:\r\n[ \t][^\r\n]*)*\r\n)+/,
      '',
    );
  }
  return raw;
}

function outerHeaders(content: MailContent, subject: string): string {
  const h = new MIMEMessageHeader(ENV);
  setHeaders(h, content, subject);
  return h.dump();
}

export interface PgpMimeOptions {
  /** The sender's unlocked key: signs, and gets a copy when encrypting. */
  signingKey: PrivateKey;
  /** Hide the Subject behind "[...]" (encrypted mail only; default true). */
  hideSubject?: boolean;
  /** Outer header lines, e.g. Autocrypt (shared/outbound/autocrypt.ts); never inside the signature. */
  extraHeaders?: readonly (readonly [string, string])[];
}

/**
 * RFC 3156 §4: multipart/encrypted with an application/pgp-encrypted "Version: 1" part and the
 * armored message (signed inside, §6.2) as application/octet-stream. Returns the whole .eml (CRLF).
 */
export async function buildEncryptedMime(
  content: MailContent,
  options: PgpMimeOptions & { recipients: readonly KeyInput[] },
): Promise<string> {
  const stamped = {
    ...content,
    date: content.date ?? new Date(),
    messageId: content.messageId ?? newMessageId(content.from),
  };
  const inner = buildInnerEntity(stamped);
  const armored = await encryptMessage(inner, {
    recipients: options.recipients,
    signingKey: options.signingKey,
  });
  const boundary = `noise-enc-${randomToken(12)}`;
  const subject = options.hideSubject === false ? stamped.subject : HIDDEN_SUBJECT;
  return [
    outerHeaders(stamped, subject),
    ...extraLines(options.extraHeaders),
    'Content-Type: multipart/encrypted;',
    ' protocol="application/pgp-encrypted";',
    ` boundary="${boundary}"`,
    '',
    'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)',
    `--${boundary}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    armored.replace(/\r?\n/g, CRLF).replace(/\r\n$/, ''),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

/**
 * RFC 3156 §5: multipart/signed. The signature covers the first part exactly as emitted, in
 * canonical CRLF form, without the line break that precedes the next boundary; micalg names the
 * hash the signature actually used.
 */
export async function buildSignedMime(content: MailContent, options: PgpMimeOptions): Promise<string> {
  const stamped = {
    ...content,
    date: content.date ?? new Date(),
    messageId: content.messageId ?? newMessageId(content.from),
  };
  const signedPart = buildInnerEntity(stamped);
  const { signature, hashAlgorithm } = await signDetached(signedPart, options.signingKey);
  const boundary = `noise-sig-${randomToken(12)}`;
  return [
    outerHeaders(stamped, stamped.subject),
    ...extraLines(options.extraHeaders),
    `Content-Type: multipart/signed; micalg=pgp-${hashAlgorithm};`,
    ' protocol="application/pgp-signature";',
    ` boundary="${boundary}"`,
    '',
    'This is an OpenPGP/MIME signed message (RFC 4880 and 3156)',
    `--${boundary}`,
    signedPart,
    `--${boundary}`,
    'Content-Type: application/pgp-signature; name="signature.asc"',
    'Content-Description: OpenPGP digital signature',
    'Content-Disposition: attachment; filename="signature.asc"',
    '',
    (signature as string).replace(/\r?\n/g, CRLF).replace(/\r\n$/, ''),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}
