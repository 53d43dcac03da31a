// Rebuilds the headers and base64 body of one armor block (RFC 4880 §6.2, RFC 9580 §6.2) from
// cleaned, unquoted lines. The line structure is not trusted: base64 is joined and re-split at
// 64 columns, padding is recomputed, and stray `=` from quoted-printable soft breaks dropped.

import { decodeQuotedPrintableUtf8, looksQuotedPrintable, plainSpaces } from './text-repair.ts';

interface ArmorBody {
  headers: string[];
  /** Unpadded base64 characters. */
  data: string;
  /** The four CRC-24 characters after `=`, when the block had a checksum line. */
  checksum: string | undefined;
  quotedPrintable: boolean;
}

const HEADER = /^([A-Za-z][A-Za-z0-9-]*):(.*)$/;
const BASE64_CHAR = /^[A-Za-z0-9+/=]*$/;
const CHECKSUM = /^=([A-Za-z0-9+/]{4})$/;

/** Removes every blank (space, tab) in a base64 line: re-wrapping may leave them anywhere. */
function squeeze(line: string): string {
  return line.includes(' ') || line.includes('\t') ? line.replace(/[ \t]+/g, '') : line;
}

/**
 * Parses trimmed body lines. Returns undefined when the lines cannot be armor: a character
 * outside base64 in the data, no data, or a length no base64 encoding has.
 */
export function parseBody(lines: readonly string[]): ArmorBody | undefined {
  const quotedPrintable = lines.some(looksQuotedPrintable);
  const decoded = quotedPrintable ? decodeLines(lines) : lines;
  const headers: string[] = [];
  let i = 0;
  // Armor headers (RFC 4880 §6.2): `Key: Value` lines before the body. The blank line after
  // them may have been removed, so a header is told apart by its colon, which base64 lacks.
  for (; i < decoded.length; i++) {
    const line = decoded[i]!;
    if (line === '') {
      if (headers.length > 0) {
        i++;
        break;
      }
      continue;
    }
    const m = HEADER.exec(line);
    if (m) {
      headers.push(`${m[1]}: ${m[2]!.trim()}`);
      continue;
    }
    // A header value re-wrapped onto the next line: it has characters base64 lacks.
    if (headers.length > 0 && !BASE64_CHAR.test(squeeze(line))) {
      headers[headers.length - 1] += ` ${line}`;
      continue;
    }
    break;
  }
  const dataLines: string[] = [];
  for (; i < decoded.length; i++) {
    const line = squeeze(decoded[i]!);
    if (line === '') continue;
    if (!BASE64_CHAR.test(line)) return undefined;
    dataLines.push(line);
  }
  let checksum: string | undefined;
  const last = dataLines[dataLines.length - 1];
  const m = last === undefined ? null : CHECKSUM.exec(last);
  if (m) {
    checksum = m[1];
    dataLines.pop();
  }
  // Padding and soft-break `=` are both dropped here; padding is recomputed on output.
  const data = dataLines.join('').replace(/=/g, '');
  if (data.length === 0 || data.length % 4 === 1) return undefined;
  return { headers, data, checksum, quotedPrintable };
}

const QP_CHECKSUM = /^=(?:3[Dd])?[A-Za-z0-9+/]{4}$/;

/**
 * Quoted-printable lines: soft breaks joined (RFC 2045 §6.7 rule 5), then decoded as UTF-8, so
 * that `=C2=` / `=A0` split over two lines is one non-breaking space, made a plain one. A line
 * is never joined to a checksum line: raw `==` padding may sit next to a `=3D` leftover.
 */
function decodeLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1];
    if (line.endsWith('=') && !line.endsWith('==') && next !== undefined && !QP_CHECKSUM.test(next)) {
      pending += line.slice(0, -1);
      continue;
    }
    out.push(plainSpaces(decodeQuotedPrintableUtf8(pending + line), true).trim());
    pending = '';
  }
  if (pending !== '') out.push(plainSpaces(decodeQuotedPrintableUtf8(pending), true).trim());
  return out;
}

/** The canonical base64 body: 64-column lines, recomputed padding, then the checksum line. */
export function formatBody(body: ArmorBody): string {
  const padded = body.data + '='.repeat((4 - (body.data.length % 4)) % 4);
  let out = '';
  for (let i = 0; i < padded.length; i += 64) out += `${padded.slice(i, i + 64)}\n`;
  if (body.checksum !== undefined) out += `=${body.checksum}\n`;
  return out;
}

/** Header lines then the blank line that always ends them (RFC 4880 §6.2). */
export function formatHeaders(headers: readonly string[]): string {
  let out = '';
  for (const h of headers) out += `${h}\n`;
  return `${out}\n`;
}
