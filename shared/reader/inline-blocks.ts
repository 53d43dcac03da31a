// Inline armor in a text body (RFC 9580 §6, §7), found with the tolerant detector in
// shared/armor. One policy for every surface (docs/verdicts.md):
// - encrypted blocks (PGP MESSAGE, NOISE ENVELOPE) are repaired freely: MDC, AEAD and signatures
//   check every byte of what was repaired;
// - cleartext-signed text is verified exactly as received: only what RFC 4880 §7.1 / RFC 9580
//   §7.2 leaves out of the hash (trailing blanks, line endings) may differ. Repaired signed text
//   is never verified, so it can never be `valid`; when the detector had to repair it, the
//   verdict says the signature could not be checked on the original.

import { type FoundArmor, findArmor } from '../armor/index.ts';
import { verifyCleartext } from '../pgp/signatures.ts';
import type { SignatureVerdict } from '../pgp/verdict.ts';

const SIGNATURE_BEGIN = '-----BEGIN PGP SIGNATURE-----';

type InlineSegment =
  | { kind: 'text'; text: string }
  | { kind: 'block'; block: FoundArmor; quoteDepth: number };

/**
 * A line without the block's quote marks (as many as its BEGIN line had) and surrounding blanks:
 * only for finding structure, never for signed text. A deeper `>` belongs to the line.
 */
function structural(line: string, depth: number): string {
  let i = 0;
  for (let removed = 0; removed < depth; removed++) {
    let j = i;
    while (line[j] === ' ' || line[j] === '\t') j++;
    if (line[j] !== '>') break;
    i = j + 1;
  }
  return line.slice(i).trim();
}

/** The quote marks before a block's BEGIN line. */
function quotePrefix(body: string, start: number): string {
  // Walked back by hand: lastIndexOf('\r') would scan the whole body when it has no CR.
  let lineStart = start;
  while (lineStart > 0 && body[lineStart - 1] !== '\n' && body[lineStart - 1] !== '\r') lineStart--;
  const before = body.slice(lineStart, start);
  return /^[ \t]*>[ \t>]*$/.test(before) ? before : '';
}

function depthOf(body: string, start: number): number {
  return [...quotePrefix(body, start)].filter((c) => c === '>').length;
}

/** The signed lines exactly as they arrived in the body, between the headers and the signature. */
function receivedSignedLines(body: string, block: FoundArmor): string[] {
  const lines = body.slice(block.start, block.end).split(/\r\n|\r|\n/);
  const depth = depthOf(body, block.start);
  let i = 1;
  // RFC 9580 §7.1: Hash (and, for v6, SaltedHash) headers, then one empty line.
  while (i < lines.length && /^(?:Salted)?Hash:/i.test(structural(lines[i]!, depth))) i++;
  if (i < lines.length && structural(lines[i]!, depth) === '') i++;
  const first = i;
  // Dash escaping (§7.2) guarantees the first line starting with dashes ends the signed text.
  while (i < lines.length && !structural(lines[i]!, depth).startsWith('-----')) i++;
  return lines.slice(first, i);
}

/**
 * The cleartext-signed block as the signer's text arrived: armor headers and the signature come
 * from the detector's repaired armor (the signature packet is checked byte for byte anyway), the
 * signed lines verbatim from the body. Quoting, NBSP, entities or quoted-printable left in the
 * signed text therefore make the signature fail instead of being undone into validity.
 */
function strictCleartext(body: string, block: FoundArmor): string {
  const repaired = block.armored;
  const headEnd = repaired.indexOf('\n\n') + 2;
  const signatureAt = repaired.lastIndexOf(`\n${SIGNATURE_BEGIN}\n`) + 1;
  const signed = receivedSignedLines(body, block);
  return `${repaired.slice(0, headEnd)}${signed.join('\n')}\n${repaired.slice(signatureAt)}`;
}

/** Lines compared as the signature sees them (RFC 4880 §7.1: trailing blanks are not signed). */
function hashedForm(lines: readonly string[]): string {
  return lines.map((l) => l.replace(/[ \t]+$/, '')).join('\n');
}

/** Whether the detector had to change the signed text itself to make it read as armor. */
function signedTextRepaired(body: string, block: FoundArmor): boolean {
  const repaired = block.armored;
  const headEnd = repaired.indexOf('\n\n') + 2;
  const signatureAt = repaired.lastIndexOf(`\n${SIGNATURE_BEGIN}\n`);
  const repairedLines = repaired.slice(headEnd, signatureAt).split('\n');
  return hashedForm(repairedLines) !== hashedForm(receivedSignedLines(body, block));
}

/** The PGP and envelope blocks of a body, with the text between them, in order. */
export function splitInline(body: string): InlineSegment[] {
  const blocks = findArmor(body).filter((b) => b.kind !== 'pgp-public-key');
  if (blocks.length === 0) return [{ kind: 'text', text: body }];
  const out: InlineSegment[] = [];
  let at = 0;
  for (const block of blocks) {
    // The quote marks before a quoted block belong to it, not to the text before.
    const prefix = quotePrefix(body, block.start);
    // The line break ending the previous END line belongs to that block.
    const before = body.slice(at, block.start - prefix.length).replace(at > 0 ? /^\r?\n/ : /^$/, '');
    if (before !== '') out.push({ kind: 'text', text: before });
    out.push({ kind: 'block', block, quoteDepth: depthOf(body, block.start) });
    at = block.end;
  }
  const after = body.slice(at).replace(/^\r?\n/, '');
  if (after !== '') out.push({ kind: 'text', text: after });
  return out;
}

interface SignedBlock {
  text: string;
  signatures: SignatureVerdict[];
  /** The signed text arrived damaged (see the module comment); its signature could not be checked. */
  damaged: boolean;
}

/** Verifies a cleartext-signed block on the text as received. */
export async function openSignedBlock(
  body: string,
  block: FoundArmor,
  verificationKeys: Parameters<typeof verifyCleartext>[0]['verificationKeys'],
): Promise<SignedBlock> {
  const r = await verifyCleartext({ armored: strictCleartext(body, block), verificationKeys });
  const valid = r.verdict.signatures.some((s) => s.status === 'valid');
  return {
    text: r.text,
    signatures: r.verdict.signatures,
    damaged: !valid && signedTextRepaired(body, block),
  };
}
