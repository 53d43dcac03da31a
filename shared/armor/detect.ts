// Finds armored blocks inside arbitrary text (a web page's text, a mail body) and returns each
// as canonical armor that an OpenPGP reader accepts, undoing the damage webmail does to text.
// Runs in a content script: no dependencies, one linear pass over the lines.

import { ARMOR_BEGIN, ARMOR_END } from '../envelope/labels.ts';
import { formatBody, formatHeaders, parseBody } from './body.ts';
import {
  cleanStructuralLine,
  type DamageEvidence,
  decodeEntities,
  decodeQuotedPrintableUtf8,
  hasOddSpaces,
  noEvidence,
  plainSpaces,
  quoteDepth,
  stripQuotes,
  trimTrailingBlanks,
} from './text-repair.ts';

export type ArmorKind = 'pgp-message' | 'pgp-signed' | 'pgp-public-key' | 'envelope';

export interface FoundArmor {
  kind: ArmorKind;
  /** Offset of the first `-` of the BEGIN line in the input. */
  start: number;
  /** Offset just past the last `-` of the END line in the input. */
  end: number;
  /** Canonical, repaired armor with LF line endings. */
  armored: string;
}

const BEGIN_LINES: Record<string, ArmorKind> = {
  '-----BEGIN PGP MESSAGE-----': 'pgp-message',
  '-----BEGIN PGP SIGNED MESSAGE-----': 'pgp-signed',
  '-----BEGIN PGP PUBLIC KEY BLOCK-----': 'pgp-public-key',
  [ARMOR_BEGIN]: 'envelope',
};
const END_LINES: Record<ArmorKind, string> = {
  'pgp-message': '-----END PGP MESSAGE-----',
  'pgp-signed': '-----END PGP SIGNATURE-----',
  'pgp-public-key': '-----END PGP PUBLIC KEY BLOCK-----',
  envelope: ARMOR_END,
};
const SIGNATURE_BEGIN = '-----BEGIN PGP SIGNATURE-----';
// Every marker line a block could hold; used to join a marker split by a quoted-printable soft
// break (`=` at line end, RFC 2045 §6.7 rule 5).
const ALL_MARKERS = [...Object.keys(BEGIN_LINES), ...Object.values(END_LINES), SIGNATURE_BEGIN];

/** Physical lines: starts and ends (end excludes the CR/LF) as offsets into the text. */
interface Lines {
  text: string;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
}

function splitLines(text: string): Lines {
  const hasCr = text.includes('\r');
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  if (hasCr) for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) count++;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let n = 0;
  if (!hasCr) {
    // The common case, on the engine's native search.
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      ends[n++] = i;
      starts[n] = i + 1;
    }
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 13) {
        ends[n++] = i;
        if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
        starts[n] = i + 1;
      }
    }
  }
  ends[n++] = text.length;
  return { text, count: n, starts, ends };
}

function raw(lines: Lines, i: number): string {
  return lines.text.slice(lines.starts[i], lines.ends[i]);
}

/** A block's reading state: which lines are its own, its quote depth, what damage it shows. */
interface BlockReader {
  lines: Lines;
  depth: number;
  /** Whether the BEGIN line's quoting put a space after the last `>` (`> ` versus `>`). */
  quoteSpace: boolean;
  evidence: DamageEvidence;
}

/** A line cleaned for structure. Evidence goes to `evidence`: a scratch one for signed text. */
function structural(r: BlockReader, i: number, evidence = r.evidence): string {
  return stripQuotes(cleanStructuralLine(raw(r.lines, i), evidence), r.depth, true).trim();
}

/** Marker lines never hold `=`, entities or odd spaces: undo all three before comparing. */
function normalizeMarker(line: string, evidence: DamageEvidence): string {
  let marker = line;
  if (marker.includes('=')) {
    evidence.quotedPrintable = true;
    marker = decodeQuotedPrintableUtf8(marker);
    if (hasOddSpaces(marker)) {
      evidence.spaces = true;
      marker = plainSpaces(marker, true);
    }
  }
  marker = marker.trim();
  // Odd spaces are already plain here; only tabs and doubled spaces remain to collapse.
  return marker.includes('  ') || marker.includes('\t') ? marker.replace(/[ \t]+/g, ' ') : marker;
}

function isMarkerPrefix(partial: string): boolean {
  return ALL_MARKERS.some((m) => m.startsWith(partial));
}

/**
 * Reads the marker starting at line i, joining up to three soft-broken continuations.
 * Returns the marker text and the index of its last physical line.
 */
function readMarker(r: BlockReader, i: number, first: string): { marker: string; last: number } {
  let joined = first;
  let last = i;
  while (
    joined.endsWith('=') &&
    last + 1 < r.lines.count &&
    last - i < 3 &&
    // A soft break may fall between the bytes of one UTF-8 character (`=C2=` / `=A0`).
    isMarkerPrefix(
      normalizeMarker(joined.slice(0, -1), noEvidence())
        .replace(/\ufffd+$/, '')
        .trimEnd(),
    )
  ) {
    last++;
    // A soft-break continuation has no quote prefix, and its leading blanks are content.
    joined = joined.slice(0, -1) + cleanStructuralLine(raw(r.lines, last), r.evidence).trimEnd();
    r.evidence.quotedPrintable = true;
  }
  return { marker: normalizeMarker(joined, r.evidence), last };
}

/** Just past the last `-` of a marker; its last physical line may hold only `=20` leftovers. */
function markerEnd(lines: Lines, last: number): number {
  for (let j = last; j >= 0 && j > last - 3; j--) {
    const dash = raw(lines, j).lastIndexOf('-');
    if (dash >= 0) return lines.starts[j]! + dash + 1;
  }
  return lines.ends[last]!;
}

interface Begin {
  kind: ArmorKind;
  start: number;
  next: number;
  reader: BlockReader;
}

/** Matches a BEGIN line: only quote marks and blanks may stand before its dashes. */
function matchBegin(lines: Lines, i: number): Begin | undefined {
  const line = raw(lines, i);
  const dash = line.indexOf('-----');
  if (dash < 0) return undefined;
  const evidence = noEvidence();
  const prefix = cleanStructuralLine(line.slice(0, dash), evidence);
  const depth = quoteDepth(prefix);
  if (depth < 0) return undefined;
  const quoteSpace = / $/.test(prefix.slice(prefix.lastIndexOf('>') + 1));
  const reader: BlockReader = { lines, depth, quoteSpace, evidence };
  const first = cleanStructuralLine(line.slice(dash), evidence).trim();
  if (!first.startsWith('-----BEGIN')) return undefined;
  const { marker, last } = readMarker(reader, i, first);
  const kind = BEGIN_LINES[marker];
  if (kind === undefined) return undefined;
  return { kind, start: lines.starts[i]! + dash, next: last + 1, reader };
}

type Read = { found: FoundArmor; next: number } | { found: undefined; next: number };

/**
 * Collects structural lines up to the END line `endLine`. Stops early (found undefined) at any
 * other BEGIN line so that every line is read a bounded number of times.
 */
function collectUntil(
  r: BlockReader,
  from: number,
  endLine: string,
): { body: string[]; endIndex: number; next: number } | { body: undefined; next: number } {
  const body: string[] = [];
  const count = r.lines.count;
  for (let i = from; i < count; i++) {
    const line = structural(r, i);
    if (line.startsWith('-----')) {
      if (line.startsWith('-----BEGIN')) return { body: undefined, next: i };
      const { marker, last } = readMarker(r, i, line);
      if (marker === endLine) return { body, endIndex: last, next: last + 1 };
      if (marker.startsWith('-----BEGIN')) return { body: undefined, next: i };
      if (marker.startsWith('-----END')) return { body: undefined, next: last + 1 };
    }
    body.push(line);
  }
  return { body: undefined, next: count };
}

// A binary OpenPGP packet header has its top bit set (RFC 4880 §4.2): first base64 digit ≥ 32.
const PGP_FIRST_DIGIT = /^[g-z0-9+/]/;

function readArmorBlock(b: Begin): Read {
  const endLine = END_LINES[b.kind];
  const got = collectUntil(b.reader, b.next, endLine);
  if (got.body === undefined) return { found: undefined, next: got.next };
  const body = parseBody(got.body);
  if (!body || (b.kind !== 'envelope' && !PGP_FIRST_DIGIT.test(body.data))) {
    return { found: undefined, next: b.next };
  }
  const beginLine = Object.keys(BEGIN_LINES).find((k) => BEGIN_LINES[k] === b.kind)!;
  // The envelope armor has no header section unless it carries headers (spec §6).
  const head = b.kind === 'envelope' && body.headers.length === 0 ? '' : formatHeaders(body.headers);
  const armored = `${beginLine}\n${head}${formatBody(body)}${endLine}\n`;
  const found = { kind: b.kind, start: b.start, end: markerEnd(b.reader.lines, got.endIndex), armored };
  return { found, next: got.endIndex + 1 };
}

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
function readSignedBlock(b: Begin): Read {
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

/** Finds every armored block in `text`, in order. Never throws on string input. */
export function findArmor(text: string): FoundArmor[] {
  if (typeof text !== 'string' || !text.includes('-----')) return [];
  const lines = splitLines(text);
  const { count } = lines;
  const found: FoundArmor[] = [];
  let i = 0;
  while (i < count) {
    const dash = text.indexOf('-----', lines.starts[i]);
    if (dash < 0) break;
    while (i + 1 < count && lines.starts[i + 1]! <= dash) i++;
    const begin = matchBegin(lines, i);
    if (!begin) {
      i++;
      continue;
    }
    const read = begin.kind === 'pgp-signed' ? readSignedBlock(begin) : readArmorBlock(begin);
    if (read.found) found.push(read.found);
    i = Math.max(read.next, i + 1);
  }
  return found;
}
