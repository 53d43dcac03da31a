// Locating MIME parts by their exact bytes. postal-mime decodes content but does not expose the raw
// bytes of a part, and RFC 3156 §5 signatures cover exactly those bytes, so this module slices
// entities and multipart bodies by hand (RFC 2045 §5.1, RFC 2046 §5.1.1). Nothing here decodes.

import { latin1 } from '../encoding.ts';

export interface RawEntity {
  /** Lowercased header name → unfolded value of its first occurrence. */
  headers: Map<string, string>;
  /** Every header field in order, lowercased name and unfolded value (repeats kept). */
  fields: Array<[name: string, value: string]>;
  body: Uint8Array;
}

export interface ContentType {
  /** Lowercased type/subtype. */
  type: string;
  /** Lowercased parameter names; values unquoted. */
  params: Map<string, string>;
}

const LF = 0x0a;
const CR = 0x0d;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Header bytes as text: UTF-8 when they are (RFC 6532), else byte for byte. */
function headerText(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return latin1(bytes);
  }
}

/** Splits an entity at the first empty line (CRLF or bare LF tolerated) into headers and body. */
export function splitEntity(bytes: Uint8Array): RawEntity {
  let bodyStart = bytes.length;
  let headerEnd = bytes.length;
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== LF) continue;
    const lineEnd = i > lineStart && bytes[i - 1] === CR ? i - 1 : i;
    if (lineEnd === lineStart) {
      headerEnd = lineStart;
      bodyStart = i + 1;
      break;
    }
    lineStart = i + 1;
  }
  const headers = new Map<string, string>();
  const fields: Array<[string, string]> = [];
  // RFC 5322 §2.2.3: a line starting with whitespace continues the previous field.
  const unfolded = headerText(bytes.subarray(0, headerEnd)).replace(/\r?\n(?=[ \t])/g, '');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    fields.push([name, value]);
    if (!headers.has(name)) headers.set(name, value);
  }
  return { headers, fields, body: bytes.subarray(bodyStart) };
}

/** Parses a Content-Type value (RFC 2045 §5.1) with quoted-string parameters. */
export function parseContentType(value: string | undefined): ContentType {
  const params = new Map<string, string>();
  if (!value) return { type: 'text/plain', params };
  const semicolon = value.indexOf(';');
  const type = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/g;
  for (const m of value.slice(Math.max(semicolon, 0)).matchAll(re)) {
    const name = m[1]!.toLowerCase();
    const v = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    if (!params.has(name)) params.set(name, v);
  }
  return { type: type || 'text/plain', params };
}

export function contentTypeOf(entity: RawEntity): ContentType {
  return parseContentType(entity.headers.get('content-type'));
}

/**
 * The raw parts of a multipart body. RFC 2046 §5.1.1: the line break before a delimiter line belongs
 * to the delimiter, so each part ends before it. Returns the parts before the close delimiter
 * ("--boundary--"); a body without one still yields the parts seen. Works on the bytes, line by
 * line with the engine's own search, so a large body is never copied into a string.
 */
export function splitMultipart(body: Uint8Array, boundary: string): Uint8Array[] {
  if (!boundary || boundary.length > 70) return [];
  const delimiter = Uint8Array.from(`--${boundary}`, (c) => c.charCodeAt(0) & 0xff);
  const parts: Uint8Array[] = [];
  let partStart = -1;
  let lineStart = 0;
  while (lineStart <= body.length) {
    let lf = body.indexOf(LF, lineStart);
    if (lf < 0) lf = body.length;
    const kind = delimiterLine(body, lineStart, lf, delimiter);
    if (kind !== 'none') {
      if (partStart >= 0) {
        let end = lineStart;
        if (end > partStart && body[end - 1] === LF) end--;
        if (end > partStart && body[end - 1] === CR) end--;
        parts.push(body.subarray(partStart, Math.max(end, partStart)));
      }
      if (kind === 'close') return parts;
      partStart = lf + 1;
    }
    lineStart = lf + 1;
  }
  return parts;
}

/** Whether body[start, end) is `--boundary` or `--boundary--`, with trailing blanks (RFC 2046 §5.1.1). */
function delimiterLine(
  body: Uint8Array,
  start: number,
  end: number,
  delimiter: Uint8Array,
): 'none' | 'open' | 'close' {
  if (end - start < delimiter.length || body[start] !== 0x2d) return 'none';
  for (let i = 0; i < delimiter.length; i++) if (body[start + i] !== delimiter[i]) return 'none';
  let tail = end;
  while (
    tail > start + delimiter.length &&
    (body[tail - 1] === 0x20 || body[tail - 1] === 0x09 || body[tail - 1] === CR)
  )
    tail--;
  const rest = tail - start - delimiter.length;
  if (rest === 0) return 'open';
  if (rest === 2 && body[tail - 1] === 0x2d && body[tail - 2] === 0x2d) return 'close';
  return 'none';
}

const CRYPTO_MULTIPARTS = new Set(['multipart/signed', 'multipart/encrypted']);

/**
 * Nested multipart/signed and multipart/encrypted entities below `entity` (not the entity itself),
 * without descending into them. Used to notice partly signed or encrypted messages.
 */
export function nestedCryptoParts(entity: Uint8Array, maxDepth = 8): { type: string; bytes: Uint8Array }[] {
  const found: { type: string; bytes: Uint8Array }[] = [];
  const walk = (bytes: Uint8Array, depth: number, isRoot: boolean) => {
    if (depth > maxDepth) return;
    const parsed = splitEntity(bytes);
    const ct = contentTypeOf(parsed);
    if (!isRoot && CRYPTO_MULTIPARTS.has(ct.type)) {
      found.push({ type: ct.type, bytes });
      return;
    }
    if (!ct.type.startsWith('multipart/')) return;
    for (const part of splitMultipart(parsed.body, ct.params.get('boundary') ?? ''))
      walk(part, depth + 1, false);
  };
  walk(entity, 0, true);
  return found;
}
