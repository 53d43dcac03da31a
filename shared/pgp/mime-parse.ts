// Reading a whole .eml: PGP/MIME (RFC 3156) or inline armor, with a verdict that says exactly what
// was encrypted and signed. "Johnny, you are fired" (USENIX Security 2019): a signed or encrypted
// part next to unprotected content is flagged as partial, never shown as covering the whole mail.

import type { PrivateKey } from 'openpgp';
import PostalMime, { type Address, type Email } from 'postal-mime';
import { utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { htmlToText, scanHtmlContent } from './html-body.ts';
import { isOnlyArmor, openInlineArmor } from './inline-armor.ts';
import type { KeyInput } from './keys.ts';
import { decryptMessage } from './message.ts';
import type { MailAddress, MailAttachment } from './mime-build.ts';
import { contentTypeOf, nestedCryptoParts, splitEntity, splitMultipart } from './mime-slice.ts';
import { verifyDetached } from './signatures.ts';
import {
  addressOf,
  emptyVerdict,
  type HeaderName,
  type SignatureVerdict,
  type Verdict,
  withFrom,
} from './verdict.ts';

export interface ParsedHeaders {
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  subject?: string;
  date?: string;
  messageId?: string;
}

export interface ParsedMail {
  /** What to show: the outer From (the signer is checked against it), protected Subject/To/Cc. */
  headers: ParsedHeaders;
  /** The protected headers as the sender wrote them, when a signed or encrypted entity carried them. */
  protectedHeaders?: ParsedHeaders;
  verdict: Verdict;
  text: string;
  /** Returned as-is, never fetched from or rendered here; sanitize before showing. */
  html?: string;
  /** Rendering `html` as-is would fetch something (EFAIL): show it blocked, behind "load images". */
  hasRemoteContent: boolean;
  /** `html` holds scripts, event handlers or javascript: URLs. */
  hasActiveContent: boolean;
  attachments: MailAttachment[];
}

export interface ParseOptions {
  decryptionKeys: readonly PrivateKey[];
  verificationKeys?: readonly KeyInput[];
}

const MAX_DEPTH = 4;
const CONTROL_TYPES = new Set(['application/pgp-encrypted', 'application/pgp-signature']);

/** What one entity yields once its protection is removed. */
interface Opened {
  mail: Email;
  /** Headers came from a protected-headers="v1" entity under a signature or encryption. */
  protectedHeaders: boolean;
  encrypted: boolean;
  signatures: SignatureVerdict[];
  partialEncrypted: boolean;
  partialSigned: boolean;
  extraText: string[];
  extraAttachments: MailAttachment[];
}

function flatAddresses(list: Address[] | Address | undefined): MailAddress[] {
  const out: MailAddress[] = [];
  for (const a of Array.isArray(list) ? list : list ? [list] : []) {
    if (a.group)
      for (const m of a.group) out.push({ ...(m.name ? { name: m.name } : {}), address: m.address });
    else if (a.address) out.push({ ...(a.name ? { name: a.name } : {}), address: a.address });
  }
  return out;
}

function headersOf(mail: Email): ParsedHeaders {
  const from = flatAddresses(mail.from)[0];
  return {
    ...(from ? { from } : {}),
    to: flatAddresses(mail.to),
    cc: flatAddresses(mail.cc),
    ...(mail.subject !== undefined ? { subject: mail.subject } : {}),
    ...(mail.date !== undefined ? { date: mail.date } : {}),
    ...(mail.messageId !== undefined ? { messageId: mail.messageId } : {}),
  };
}

function attachmentsOf(mail: Email): MailAttachment[] {
  return mail.attachments
    .filter((a) => !CONTROL_TYPES.has(a.mimeType))
    .map((a) => ({
      filename: a.filename ?? 'attachment',
      contentType: a.mimeType,
      data: typeof a.content === 'string' ? utf8(a.content) : new Uint8Array(a.content as ArrayBuffer),
    }))
    .filter((a) => !startsWithArmor(a.data));
}

function startsWithArmor(data: Uint8Array): boolean {
  const head = String.fromCharCode(...data.subarray(0, 40)).trimStart();
  return head.startsWith('-----BEGIN PGP MESSAGE-----');
}

async function decodedBodyOf(part: Uint8Array): Promise<Uint8Array> {
  // postal-mime undoes the Content-Transfer-Encoding; a non-text part lands in attachments.
  const mail = await PostalMime.parse(part, { attachmentEncoding: 'arraybuffer' });
  const a = mail.attachments[0];
  if (a) return typeof a.content === 'string' ? utf8(a.content) : new Uint8Array(a.content as ArrayBuffer);
  return utf8(mail.text ?? '');
}

function plain(mail: Email): Opened {
  return {
    mail,
    protectedHeaders: false,
    encrypted: false,
    signatures: [],
    partialEncrypted: false,
    partialSigned: false,
    extraText: [],
    extraAttachments: [],
  };
}

async function openEntity(
  bytes: Uint8Array,
  depth: number,
  options: ParseOptions,
  from: string | null,
): Promise<Opened> {
  if (depth > MAX_DEPTH) throw new NoiseError('malformed', 'MIME nesting too deep');
  const entity = splitEntity(bytes);
  const ct = contentTypeOf(entity);
  const boundary = ct.params.get('boundary') ?? '';
  if (
    ct.type === 'multipart/encrypted' &&
    ct.params.get('protocol')?.toLowerCase() === 'application/pgp-encrypted'
  ) {
    // RFC 3156 §4: exactly two parts, the second holds the OpenPGP message.
    const parts = splitMultipart(entity.body, boundary);
    if (parts.length !== 2) throw new NoiseError('malformed', 'multipart/encrypted needs exactly two parts');
    const armored = await decodedBodyOf(parts[1]!);
    const result = await decryptMessage(armored, { ...options, from });
    const inner = await openEntity(result.data, depth + 1, options, from);
    return {
      ...inner,
      protectedHeaders: inner.protectedHeaders || isProtected(result.data),
      encrypted: true,
      signatures: [...result.verdict.signatures, ...inner.signatures],
    };
  }
  if (
    ct.type === 'multipart/signed' &&
    ct.params.get('protocol')?.toLowerCase() === 'application/pgp-signature'
  ) {
    // RFC 3156 §5: the first part, byte for byte, is what the second part signs.
    const parts = splitMultipart(entity.body, boundary);
    if (parts.length !== 2) throw new NoiseError('malformed', 'multipart/signed needs exactly two parts');
    const signature = await decodedBodyOf(parts[1]!);
    const verdict = await verifyDetached({
      data: parts[0]!,
      signature,
      verificationKeys: options.verificationKeys ?? [],
      from,
    });
    const inner = await openEntity(parts[0]!, depth + 1, options, from);
    return {
      ...inner,
      protectedHeaders: inner.protectedHeaders || isProtected(parts[0]!),
      signatures: [...verdict.signatures, ...inner.signatures],
    };
  }
  const mail = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' });
  const opened = plain(mail);
  // Crypto parts below an ordinary multipart: open them, but say that they cover only a part.
  for (const nested of nestedCryptoParts(bytes)) {
    const inner = await openEntity(nested.bytes, depth + 1, options, from);
    opened.signatures.push(...inner.signatures);
    if (nested.type === 'multipart/encrypted' || inner.encrypted) {
      opened.partialEncrypted = true;
      if (inner.mail.text) opened.extraText.push(inner.mail.text);
      opened.extraAttachments.push(...attachmentsOf(inner.mail));
    }
    if (inner.signatures.length > 0) opened.partialSigned = true;
  }
  await openBodyArmor(opened, options, from);
  return opened;
}

function isProtected(entityBytes: Uint8Array): boolean {
  const ct = contentTypeOf(splitEntity(entityBytes));
  return ct.params.get('protected-headers')?.toLowerCase() === 'v1';
}

// Elements whose content is not text: in an HTML body next to armor they are unprotected content.
const HTML_EMBEDDED =
  /<(?:img|image|video|audio|iframe|frame|object|embed|svg|picture|canvas|form|input|button|math)\b/i;

/**
 * Inline armor in the text body, or in the rendered HTML when the mail has no text/plain part.
 * An HTML carrier is dropped from the result: it is unprotected and still holds the ciphertext.
 */
async function openBodyArmor(opened: Opened, options: ParseOptions, from: string | null): Promise<void> {
  const html = opened.mail.html;
  const fromHtml = !opened.mail.text && html !== undefined;
  const body = fromHtml ? htmlToText(html) : (opened.mail.text ?? '');
  // An HTML alternative is what many webmails show: if it is not the same armor, it is other content.
  const otherParts = () =>
    attachmentsOf(opened.mail).length > 0 ||
    (html !== undefined && (HTML_EMBEDDED.test(html) || (!fromHtml && !isOnlyArmor(htmlToText(html)))));
  const r = await openInlineArmor(body, otherParts, options, from);
  if (!r) return;
  opened.signatures.push(...r.signatures);
  if (r.encrypted) opened.encrypted = true;
  if (r.partialEncrypted) opened.partialEncrypted = true;
  if (r.partialSigned) opened.partialSigned = true;
  const { html: _carrier, ...rest } = opened.mail;
  opened.mail = fromHtml ? { ...rest, text: r.text } : { ...opened.mail, text: r.text };
}

function addressSet(list: readonly MailAddress[]): string {
  return [...new Set(list.map((a) => addressOf(a.address)))].sort().join(',');
}

/**
 * Protected headers that name other people than the outer ones (draft-ietf-lamps-header-protection
 * §9.1 on forged outer headers). The outer Subject differs by design ("[...]") and is not compared;
 * display names are not compared either, only addresses; an absent inner To/Cc is no claim.
 */
function headerMismatch(outer: ParsedHeaders, inner: ParsedHeaders): HeaderName[] {
  const out: HeaderName[] = [];
  if (inner.from && addressOf(inner.from.address) !== addressOf(outer.from?.address ?? '')) out.push('from');
  if (inner.to.length > 0 && addressSet(inner.to) !== addressSet(outer.to)) out.push('to');
  if (inner.cc.length > 0 && addressSet(inner.cc) !== addressSet(outer.cc)) out.push('cc');
  return out;
}

/**
 * Parses a whole message (RFC 5322 bytes or string): PGP/MIME encrypted or signed, inline armor, or
 * plain mail. The signer is checked against the outer From: the webmail shows it in its own
 * interface, where we cannot replace it. With protected headers the inner Subject, To and Cc are
 * shown, and an inner From (or To, Cc) naming someone else is reported in `headerMismatch`, so that
 * a reader never shows a From the signer check did not cover. Errors (tampering, not for us) propagate as NoiseError;
 * no plaintext is returned with them.
 */
export async function parseEml(raw: string | Uint8Array, options: ParseOptions): Promise<ParsedMail> {
  const bytes = typeof raw === 'string' ? utf8(raw) : raw;
  let outer: Email;
  try {
    outer = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' });
  } catch (cause) {
    throw new NoiseError('malformed', 'the message could not be parsed as MIME', { cause });
  }
  const outerHeaders = headersOf(outer);
  const from = outerHeaders.from?.address ?? null;
  let opened: Opened;
  try {
    opened = await openEntity(bytes, 0, options, from);
  } catch (cause) {
    if (cause instanceof NoiseError) throw cause;
    throw new NoiseError('malformed', 'a part of the message could not be read', { cause });
  }
  const headers = { ...outerHeaders };
  let subjectProtected = false;
  let inner: ParsedHeaders | undefined;
  if (opened.protectedHeaders && (opened.encrypted || opened.signatures.length > 0)) {
    inner = headersOf(opened.mail);
    if (inner.subject !== undefined) {
      headers.subject = inner.subject;
      subjectProtected = true;
    }
    if (inner.to.length) headers.to = inner.to;
    if (inner.cc.length) headers.cc = inner.cc;
  }
  const verdict = withFrom(
    {
      ...emptyVerdict('pgp'),
      encrypted: opened.encrypted || opened.partialEncrypted,
      integrityProtected: opened.encrypted || opened.partialEncrypted,
      signatures: opened.signatures,
      partial: { encrypted: opened.partialEncrypted, signed: opened.partialSigned },
      subjectProtected,
      headerMismatch: inner ? headerMismatch(outerHeaders, inner) : [],
    },
    from,
  );
  const text = [opened.mail.text ?? '', ...opened.extraText].filter((t) => t !== '').join('\n\n');
  const html = opened.mail.html;
  const content = html !== undefined ? scanHtmlContent(html) : { remote: false, active: false };
  return {
    headers,
    verdict,
    text,
    ...(inner ? { protectedHeaders: inner } : {}),
    ...(html !== undefined ? { html } : {}),
    hasRemoteContent: content.remote,
    hasActiveContent: content.active,
    attachments: [...attachmentsOf(opened.mail), ...opened.extraAttachments],
  };
}
