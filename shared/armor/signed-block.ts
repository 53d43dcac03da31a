// A cleartext-signed block (RFC 4880 §7, RFC 9580 §7) read out of damaged text: its Hash headers,
// the signed text repaired only as far as the armor's own lines prove the damage, and the
// signature block.

import { formatBody, formatHeaders, parseBody } from './body.ts';
import {
  type Begin,
  type BlockReader,
  collectUntil,
  END_LINES,
  markerEnd,
  PGP_FIRST_DIGIT,
  type Read,
  raw,
  readMarker,
  SIGNATURE_BEGIN,
  structural,
} from './markers.ts';
import {
  cleanStructuralLine,
  decodeEntities,
  decodeQuotedPrintableUtf8,
  noEvidence,
  plainSpaces,
  stripQuotes,
  trimTrailingBlanks,
} from './text-repair.ts';

const CLEARTEXT_HEADER = /^Hash:\s*(.*)$/i;

/**
 * Cleartext signature (RFC 4880 §7, RFC 9580 §7). Repairing the signed text can change what was
 * signed, so only this is normalized there:
 * - always: line endings (the signature covers CRLF-canonical text, RFC 4880 §7.1), trailing
 *   spaces and tabs (§7.1: removed before signing), `>` quoting up to the BEGIN line's depth and,
 *   if that line had it, the one space after it;
 * - only when the armor's own lines (markers, Hash header, signature block) show the damage:
 *   HTML entities, non-breaking and other Unicode spaces (zero-width characters are kept: they are
 *   content, e.g. in emoji), quoted-printable soft breaks and `=XX` escapes (decoded as UTF-8);
 *   entities also when the text has `&lt;`/`&amp;` and no bare `<` or `&`;
 * - a blank line missing after the Hash header is restored;
 * - never: dash-escaped lines (`- `, §7.1) stay escaped for the reader to undo; extra blank lines
 *   and re-wrapped text lines are kept, since either could be what was signed.
 */
export function readSignedBlock(b: Begin): Read {
  const r = b.reader;
  const count = r.lines.count;
  const headers: string[] = [];
  let i = b.next;
  for (; i < count; i++) {
    let line = structural(r, i);
    let last = i;
    // A hash name never ends in `=`: this is a soft break of a header line (RFC 2045 §6.7).
    while (CLEARTEXT_HEADER.test(line) && line.endsWith('=') && last + 1 < count && last - i < 2) {
      last++;
      line = cleanStructuralLine(line.slice(0, -1) + raw(r.lines, last), r.evidence).trim();
    }
    const m = CLEARTEXT_HEADER.exec(line);
    if (m) {
      headers.push(`Hash: ${m[1]!.trim()}`);
      i = last;
    } else {
      if (line === '') i++; // else the blank line after the headers was removed: text starts here
      break;
    }
  }
  const textFrom = i;
  let textTo = -1;
  const textEvidence = noEvidence();
  for (; i < count; i++) {
    // The signed text is no evidence of damage: it may hold entities or `=3D` on purpose.
    const line = structural(r, i, textEvidence);
    if (!line.startsWith('-----')) continue;
    const { marker, last } = readMarker(r, i, line);
    if (marker === SIGNATURE_BEGIN) {
      textTo = i;
      i = last + 1;
      break;
    }
    if (marker.startsWith('-----BEGIN') || marker.startsWith('-----END')) {
      return { found: undefined, next: i };
    }
  }
  if (textTo < 0) return { found: undefined, next: count };
  const got = collectUntil(r, i, END_LINES['pgp-signed']);
  if (got.body === undefined) return { found: undefined, next: got.next };
  const signature = parseBody(got.body);
  if (!signature || !PGP_FIRST_DIGIT.test(signature.data)) return { found: undefined, next: b.next };
  if (signature.quotedPrintable) r.evidence.quotedPrintable = true;
  if (!r.evidence.entities && textLooksEscaped(r, textFrom, textTo)) r.evidence.entities = true;
  const text = repairSignedText(r, textFrom, textTo);
  const armored =
    `-----BEGIN PGP SIGNED MESSAGE-----\n${formatHeaders(headers)}${text}\n${SIGNATURE_BEGIN}\n` +
    `${formatHeaders(signature.headers)}${formatBody(signature)}${END_LINES['pgp-signed']}\n`;
  const found = { kind: b.kind, start: b.start, end: markerEnd(r.lines, got.endIndex), armored };
  return { found, next: got.endIndex + 1 };
}

const ESCAPED = /&(?:amp|lt|gt|quot|nbsp|#\d{1,7}|#x[0-9a-f]{1,6});/i;
const RAW_HTML_SPECIAL = /<|&(?!(?:[a-z]{2,8}|#\d{1,7}|#x[0-9a-f]{1,6});)/i;

/**
 * Text put into HTML without a renderer has `&lt;` and `&amp;` but never a bare `<` or `&`:
 * then the signed text itself proves it was escaped, even when the armor lines show no entity.
 */
function textLooksEscaped(r: BlockReader, from: number, to: number): boolean {
  let escaped = false;
  for (let i = from; i < to; i++) {
    const line = raw(r.lines, i);
    if (RAW_HTML_SPECIAL.test(line)) return false;
    if (!escaped && ESCAPED.test(line)) escaped = true;
  }
  return escaped;
}

function repairSignedText(r: BlockReader, from: number, to: number): string {
  const { entities, spaces, quotedPrintable } = r.evidence;
  const out: string[] = [];
  let pending = '';
  // Undone in the reverse order of the damage: HTML escaping was last, then the transfer
  // encoding (applied to the quoted text), then the renderer's spaces, then the quoting.
  for (let i = from; i < to; i++) {
    let line = raw(r.lines, i);
    if (entities) line = decodeEntities(line);
    if (quotedPrintable) {
      const trimmed = trimTrailingBlanks(line);
      // A soft line break (RFC 2045 §6.7 rule 5): the line continues on the next one.
      if (trimmed.endsWith('=') && i + 1 < to) {
        pending += trimmed.slice(0, -1);
        continue;
      }
      line = decodeQuotedPrintableUtf8(pending + line);
      pending = '';
    }
    out.push(finishSignedLine(r, line, spaces));
  }
  if (pending !== '') out.push(finishSignedLine(r, decodeQuotedPrintableUtf8(pending), spaces));
  return out.join('\n');
}

function finishSignedLine(r: BlockReader, line: string, spaces: boolean): string {
  return trimTrailingBlanks(stripQuotes(spaces ? plainSpaces(line, false) : line, r.depth, r.quoteSpace));
}
