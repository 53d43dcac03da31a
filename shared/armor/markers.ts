// Reading an armor's lines as the detector walks them: physical lines, marker lines (BEGIN,
// END, the signature's BEGIN) however webmail damaged them, and the structural lines between.
// Runs in a content script: no dependencies, every line read a bounded number of times.

import { ARMOR_BEGIN, ARMOR_END } from '../envelope/labels.ts';
import type { ArmorKind, FoundArmor } from './detect.ts';
import {
  cleanStructuralLine,
  type DamageEvidence,
  decodeQuotedPrintableUtf8,
  hasOddSpaces,
  noEvidence,
  plainSpaces,
  quoteDepth,
  stripQuotes,
} from './text-repair.ts';

export const BEGIN_LINES: Record<string, ArmorKind> = {
  '-----BEGIN PGP MESSAGE-----': 'pgp-message',
  '-----BEGIN PGP SIGNED MESSAGE-----': 'pgp-signed',
  '-----BEGIN PGP PUBLIC KEY BLOCK-----': 'pgp-public-key',
  [ARMOR_BEGIN]: 'envelope',
};
export const END_LINES: Record<ArmorKind, string> = {
  'pgp-message': '-----END PGP MESSAGE-----',
  'pgp-signed': '-----END PGP SIGNATURE-----',
  'pgp-public-key': '-----END PGP PUBLIC KEY BLOCK-----',
  envelope: ARMOR_END,
};
export const SIGNATURE_BEGIN = '-----BEGIN PGP SIGNATURE-----';
// Every marker line a block could hold; used to join a marker split by a quoted-printable soft
// break (`=` at line end, RFC 2045 §6.7 rule 5).
const ALL_MARKERS = [...Object.keys(BEGIN_LINES), ...Object.values(END_LINES), SIGNATURE_BEGIN];

/** Physical lines: starts and ends (end excludes the CR/LF) as offsets into the text. */
export interface Lines {
  text: string;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
}

export function splitLines(text: string): Lines {
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

export function raw(lines: Lines, i: number): string {
  return lines.text.slice(lines.starts[i], lines.ends[i]);
}

/** A block's reading state: which lines are its own, its quote depth, what damage it shows. */
export interface BlockReader {
  lines: Lines;
  depth: number;
  /** Whether the BEGIN line's quoting put a space after the last `>` (`> ` versus `>`). */
  quoteSpace: boolean;
  evidence: DamageEvidence;
}

/** A line cleaned for structure. Evidence goes to `evidence`: a scratch one for signed text. */
export function structural(r: BlockReader, i: number, evidence = r.evidence): string {
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
export function readMarker(r: BlockReader, i: number, first: string): { marker: string; last: number } {
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
export function markerEnd(lines: Lines, last: number): number {
  for (let j = last; j >= 0 && j > last - 3; j--) {
    const dash = raw(lines, j).lastIndexOf('-');
    if (dash >= 0) return lines.starts[j]! + dash + 1;
  }
  return lines.ends[last]!;
}

export interface Begin {
  kind: ArmorKind;
  start: number;
  next: number;
  reader: BlockReader;
}

/** Matches a BEGIN line: only quote marks and blanks may stand before its dashes. */
export function matchBegin(lines: Lines, i: number): Begin | undefined {
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

export type Read = { found: FoundArmor; next: number } | { found: undefined; next: number };

/**
 * Collects structural lines up to the END line `endLine`. Stops early (found undefined) at any
 * other BEGIN line so that every line is read a bounded number of times.
 */
export function collectUntil(
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
export const PGP_FIRST_DIGIT = /^[g-z0-9+/]/;
