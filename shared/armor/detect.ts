// Finds armored blocks inside arbitrary text (a web page's text, a mail body) and returns each
// as canonical armor that an OpenPGP reader accepts, undoing the damage webmail does to text.
// Runs in a content script: no dependencies, one linear pass over the lines (markers.ts reads
// them, signed-block.ts reads cleartext signatures).

import { formatBody, formatHeaders, parseBody } from './body.ts';
import {
  BEGIN_LINES,
  type Begin,
  collectUntil,
  END_LINES,
  markerEnd,
  matchBegin,
  PGP_FIRST_DIGIT,
  type Read,
  splitLines,
} from './markers.ts';
import { readSignedBlock } from './signed-block.ts';

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
