// Line-level repairs for what webmail does to armored text. Each function says whether it
// changed anything, so the detector can collect evidence of a damage kind from the armor's own
// structural lines before it decides to undo that damage in cleartext-signed text.

import { decodeCharacterReferences } from '../html-entities.ts';

/** Damage kinds seen on an armor's structural lines (markers, headers, base64). */
export interface DamageEvidence {
  entities: boolean;
  spaces: boolean;
  quotedPrintable: boolean;
}

export function noEvidence(): DamageEvidence {
  return { entities: false, spaces: false, quotedPrintable: false };
}

/** Decodes HTML character references; twice at most, for `&amp;gt;` double escaping. */
export function decodeEntities(line: string): string {
  let out = line;
  for (let round = 0; round < 2 && out.includes('&'); round++) {
    const next = decodeCharacterReferences(out, true);
    if (next === out) break;
    out = next;
  }
  return out;
}

// Unicode spaces (Zs other than U+0020) become a plain space; zero-width characters and the soft
// hyphen, which renderers insert to allow breaks, are removed.
const UNICODE_SPACE = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
const ZERO_WIDTH = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const ANY_ODD_SPACE = /[\u00a0\u00ad\u1680\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]/;

export function hasOddSpaces(line: string): boolean {
  return ANY_ODD_SPACE.test(line);
}

export function plainSpaces(line: string, dropZeroWidth: boolean): string {
  const spaced = line.replace(UNICODE_SPACE, ' ');
  return dropZeroWidth ? spaced.replace(ZERO_WIDTH, '') : spaced;
}

/**
 * Cleans a structural line (marker, header, base64): entities decoded, odd spaces made plain.
 * Records in `evidence` which kinds of damage it saw.
 */
export function cleanStructuralLine(raw: string, evidence: DamageEvidence): string {
  let line = raw;
  // HTML escaping was the last damage done, so it is undone first.
  if (line.includes('&')) {
    const decoded = decodeEntities(line);
    if (decoded !== line) {
      evidence.entities = true;
      line = decoded;
    }
  }
  if (line.includes('=')) {
    const decoded = undoQuotedPrintableSpaces(line);
    if (decoded !== line) {
      evidence.quotedPrintable = true;
      line = decoded;
    }
  }
  if (hasOddSpaces(line)) {
    evidence.spaces = true;
    line = plainSpaces(line, true);
  }
  return line;
}

const QP_UTF8_SEQUENCE = /=[C-Fc-f][0-9A-Fa-f](?:=[89ABab][0-9A-Fa-f]){1,3}/g;

/**
 * Undoes the two quoted-printable forms that armor lines can only hold by damage: an encoded
 * non-ASCII character (a non-breaking space arrives as `=C2=A0`) and encoded trailing blanks
 * (RFC 2045 §6.7 rule 3). A raw CRC-24 line (`=` and four digits) cannot hold either form.
 */
function undoQuotedPrintableSpaces(line: string): string {
  const spaced = line.replace(QP_UTF8_SEQUENCE, (seq) => {
    const text = decodeQuotedPrintableUtf8(seq);
    return text.includes('\ufffd') ? seq : text;
  });
  // Trailing blanks, plain or as `=20`/`=09`, before an optional soft break `=`.
  let end = spaced.endsWith('=') ? spaced.length - 1 : spaced.length;
  const keep = spaced.slice(end);
  let encoded = false;
  for (;;) {
    if (end >= 3 && spaced.charCodeAt(end - 3) === 61 && /^(?:20|09)$/.test(spaced.slice(end - 2, end))) {
      end -= 3;
      encoded = true;
    } else if (end > 0 && /\s/.test(spaced[end - 1]!)) end--;
    else break;
  }
  return encoded ? spaced.slice(0, end) + keep : spaced;
}

/** Number of `>` quote levels in a line made only of quote marks and blanks. */
export function quoteDepth(prefix: string): number {
  let depth = 0;
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    if (c === 62) depth++;
    else if (c !== 32 && c !== 9) return -1;
  }
  return depth;
}

/**
 * Removes up to `depth` quote levels (`>` with blanks around them), then, when `space`, the single
 * space that `> ` quoting adds after the last `>` (RFC 3676 §4.5).
 */
export function stripQuotes(line: string, depth: number, space: boolean): string {
  if (depth === 0) return line;
  let i = 0;
  let removed = 0;
  while (removed < depth) {
    let j = i;
    while (j < line.length && (line.charCodeAt(j) === 32 || line.charCodeAt(j) === 9)) j++;
    if (line.charCodeAt(j) !== 62) break;
    i = j + 1;
    removed++;
  }
  if (space && removed > 0 && line.charCodeAt(i) === 32) i++;
  return i === 0 ? line : line.slice(i);
}

const QP_ESCAPE_TEST = /=[0-9A-Fa-f]{2}/;
const RAW_CHECKSUM = /^=[A-Za-z0-9+/]{4}$/;

/**
 * True when a trimmed base64-area line carries a quoted-printable escape (RFC 2045 §6.7).
 * Base64 never has `=` before other characters, except a raw CRC-24 line (`=XXXX`, RFC 4880
 * §6.2), which may itself look like `=3D..`, so that form does not count.
 */
export function looksQuotedPrintable(line: string): boolean {
  return QP_ESCAPE_TEST.test(line) && !RAW_CHECKSUM.test(line);
}

/** Removes trailing spaces and tabs (RFC 4880 §7.1: not part of a cleartext signature). */
export function trimTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}

const QP_RUN = /(?:=[0-9A-Fa-f]{2})+/g;
const utf8Lenient = new TextDecoder('utf-8');

/** Decodes `=XX` runs as UTF-8 (RFC 2045 §6.7 over a UTF-8 body), for cleartext-signed text. */
export function decodeQuotedPrintableUtf8(line: string): string {
  return line.replace(QP_RUN, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(3 * i + 1, 3 * i + 3), 16);
    return utf8Lenient.decode(bytes);
  });
}
