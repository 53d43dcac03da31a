// Reading a whole .eml: PGP/MIME (RFC 3156) or inline armor, with a verdict that says exactly what
// was encrypted and signed. "Johnny, you are fired" (USENIX Security 2019): a signed or encrypted
// part next to unprotected content is flagged as partial, never shown as covering the whole mail.

import type { PrivateKey } from 'openpgp';
import PostalMime, { type Address, type Email } from 'postal-mime';
import { utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import type { KeyInput } from './keys.ts';
import { decryptMessage } from './message.ts';
import type { MailAddress, MailAttachment } from './mime-build.ts';
import { contentTypeOf, nestedCryptoParts, splitEntity, splitMultipart } from './mime-slice.ts';
import { verifyCleartext, verifyDetached } from './signatures.ts';
import { emptyVerdict, type SignatureVerdict, type Verdict, withFrom } from './verdict.ts';

export interface ParsedHeaders {
  from?: MailAddress;
  to: MailAddress[];
  cc: MailAddress[];
  subject?: string;
  date?: string;
  messageId?: string;
}

export interface ParsedMail {
  headers: ParsedHeaders;
  verdict: Verdict;
  text: string;
  html?: string;
  attachments: MailAttachment[];
}

export interface ParseOptions {
  decryptionKeys: readonly PrivateKey[];
  verificationKeys?: readonly KeyInput[];
}

const MAX_DEPTH = 4;
const CONTROL_TYPES = new Set(['application/pgp-encrypted', 'application/pgp-signature']);
const ARMOR_BLOCK =
  /-----BEGIN PGP (MESSAGE|SIGNED MESSAGE)-----[\s\S]*?-----END PGP (?:MESSAGE|SIGNATURE)-----/g;

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
  await openInlineArmor(opened, options, from);
  return opened;
}

// Decrypted inline text is shown, not parsed: invalid UTF-8 becomes U+FFFD instead of an exception.
const lenientUtf8 = new TextDecoder('utf-8');
function displayText(bytes: Uint8Array): string {
  return lenientUtf8.decode(bytes);
}

function isProtected(entityBytes: Uint8Array): boolean {
  const ct = contentTypeOf(splitEntity(entityBytes));
  return ct.params.get('protected-headers')?.toLowerCase() === 'v1';
}

/** Inline armor in the text body (RFC 9580 §6): decrypt or verify it; any text around it is unprotected. */
async function openInlineArmor(opened: Opened, options: ParseOptions, from: string | null): Promise<void> {
  const text = opened.mail.text ?? '';
  const blocks = [...text.matchAll(ARMOR_BLOCK)];
  if (blocks.length === 0) return;
  const outside = text.replace(ARMOR_BLOCK, '').trim();
  const otherContent = outside.length > 0 || blocks.length > 1 || attachmentsOf(opened.mail).length > 0;
  const pieces: string[] = [];
  for (const block of blocks) {
    if (block[1] === 'SIGNED MESSAGE') {
      const r = await verifyCleartext({
        armored: block[0],
        verificationKeys: options.verificationKeys ?? [],
        from,
      });
      opened.signatures.push(...r.verdict.signatures);
      pieces.push(r.text);
      if (otherContent) opened.partialSigned = true;
    } else {
      const r = await decryptMessage(block[0], { ...options, from });
      opened.signatures.push(...r.verdict.signatures);
      if (r.verdict.encrypted) opened.encrypted = true;
      if (otherContent && r.verdict.encrypted) opened.partialEncrypted = true;
      if (otherContent && r.verdict.signatures.length > 0) opened.partialSigned = true;
      pieces.push(displayText(r.data).replace(/\r\n/g, '\n'));
    }
  }
  // Replace each block by its plaintext, keeping the unprotected text around it visible as such.
  let i = 0;
  opened.mail = { ...opened.mail, text: text.replace(ARMOR_BLOCK, () => pieces[i++] ?? '') };
}

/**
 * Parses a whole message (RFC 5322 bytes or string): PGP/MIME encrypted or signed, inline armor, or
 * plain mail. The signer is checked against the outer From, which is what the webmail shows. With
 * protected headers the inner Subject wins. Errors (tampering, not for us) propagate as NoiseError;
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
  if (opened.protectedHeaders && (opened.encrypted || opened.signatures.length > 0)) {
    const inner = headersOf(opened.mail);
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
    },
    from,
  );
  const text = [opened.mail.text ?? '', ...opened.extraText].filter((t) => t !== '').join('\n\n');
  return {
    headers,
    verdict,
    text,
    ...(opened.mail.html !== undefined ? { html: opened.mail.html } : {}),
    attachments: [...attachmentsOf(opened.mail), ...opened.extraAttachments],
  };
}
