// Inline armor in a mail body (RFC 9580 §6, §7), found with the tolerant detector in shared/armor
// so that webmail damage (quoted-printable soft breaks, `> ` quoting, NBSP, entities, re-wrapped
// lines) does not stop decryption. Encrypted blocks are repaired freely: MDC and signatures check
// every byte. Cleartext-signed text is never repaired: only what RFC 4880 §7.1 / RFC 9580 §7.2
// excludes from the signature (trailing blanks, line endings) may differ, anything else fails.

import { type FoundArmor, findArmor } from '../armor/index.ts';
import { decryptMessage } from './message.ts';
import type { ParseOptions } from './mime-parse.ts';
import { verifyCleartext } from './signatures.ts';
import type { SignatureVerdict } from './verdict.ts';

export interface InlineArmorResult {
  /** The body with each block replaced by its plaintext; text around the blocks kept as it was. */
  text: string;
  signatures: SignatureVerdict[];
  encrypted: boolean;
  partialEncrypted: boolean;
  partialSigned: boolean;
}

const SIGNATURE_BEGIN = '-----BEGIN PGP SIGNATURE-----';

// Decrypted inline text is shown, not parsed: invalid UTF-8 becomes U+FFFD instead of an exception.
const lenientUtf8 = new TextDecoder('utf-8');

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

/**
 * The cleartext-signed block as the signer's text arrived: armor headers and the signature come
 * from the detector's repaired armor (the signature packet is checked byte for byte anyway), the
 * signed lines verbatim from the body. Quoting, NBSP, entities or quoted-printable left in the
 * signed text therefore make the signature fail instead of being undone into validity.
 */
export function strictCleartext(body: string, block: FoundArmor): string {
  const repaired = block.armored;
  const headEnd = repaired.indexOf('\n\n') + 2;
  const signatureAt = repaired.lastIndexOf(`\n${SIGNATURE_BEGIN}\n`) + 1;
  const lines = body.slice(block.start, block.end).split(/\r\n|\r|\n/);
  const depth = [...quotePrefix(body, block.start)].filter((c) => c === '>').length;
  let i = 1;
  // RFC 9580 §7.1: Hash (and, for v6, SaltedHash) headers, then one empty line.
  while (i < lines.length && /^(?:Salted)?Hash:/i.test(structural(lines[i]!, depth))) i++;
  if (i < lines.length && structural(lines[i]!, depth) === '') i++;
  const first = i;
  // Dash escaping (§7.2) guarantees the first line starting with dashes ends the signed text.
  while (i < lines.length && !structural(lines[i]!, depth).startsWith('-----')) i++;
  const signed = lines.slice(first, i);
  return `${repaired.slice(0, headEnd)}${signed.join('\n')}\n${repaired.slice(signatureAt)}`;
}

/** The quote marks before a block's BEGIN line, repeated on each line of its plaintext. */
function quotePrefix(body: string, start: number): string {
  const lineStart = body.lastIndexOf('\n', start - 1) + 1;
  const before = body.slice(Math.max(lineStart, body.lastIndexOf('\r', start - 1) + 1), start);
  return /^[ \t]*>[ \t>]*$/.test(before) ? before : '';
}

function pgpBlocks(body: string): FoundArmor[] {
  return findArmor(body).filter((b) => b.kind === 'pgp-message' || b.kind === 'pgp-signed');
}

/** Quote marks and blanks left around a quoted block say nothing; any other character is content. */
function hasTextAround(body: string, blocks: readonly FoundArmor[]): boolean {
  let at = 0;
  for (const b of blocks) {
    if (/[^\s>]/.test(body.slice(at, b.start))) return true;
    at = b.end;
  }
  return /[^\s>]/.test(body.slice(at));
}

/** Whether `body` holds one PGP block and nothing else. */
export function isOnlyArmor(body: string): boolean {
  const blocks = pgpBlocks(body);
  return blocks.length === 1 && !hasTextAround(body, blocks);
}

/** Quotes every line after the first (which follows the BEGIN line's own prefix); not a final newline. */
function quoted(piece: string, prefix: string): string {
  const lines = piece.split('\n');
  return lines
    .map((l, n) =>
      n === 0 || (l === '' && n === lines.length - 1) ? l : l === '' ? prefix.trimEnd() : prefix + l,
    )
    .join('\n');
}

/**
 * Decrypts or verifies every PGP MESSAGE and SIGNED MESSAGE block in `body`. Returns undefined
 * when there is none. `otherParts` says the mail has content besides this body (attachments,
 * images, an HTML alternative that says something else): then, as with text around the blocks or
 * several blocks, the result is partial.
 * Errors (not for us, tampered) propagate; no plaintext comes back with them.
 */
export async function openInlineArmor(
  body: string,
  otherParts: () => boolean,
  options: ParseOptions,
  from: string | null,
): Promise<InlineArmorResult | undefined> {
  const blocks = pgpBlocks(body);
  if (blocks.length === 0) return undefined;
  const otherContent = blocks.length > 1 || hasTextAround(body, blocks) || otherParts();
  const result: InlineArmorResult = {
    text: '',
    signatures: [],
    encrypted: false,
    partialEncrypted: false,
    partialSigned: false,
  };
  // Plaintext per block; a signed block's text still carries any quote marks it arrived with.
  const pieces: Array<{ text: string; quoted: boolean }> = [];
  for (const block of blocks) {
    if (block.kind === 'pgp-signed') {
      const r = await verifyCleartext({
        armored: strictCleartext(body, block),
        verificationKeys: options.verificationKeys ?? [],
        from,
      });
      result.signatures.push(...r.verdict.signatures);
      if (otherContent) result.partialSigned = true;
      pieces.push({ text: r.text, quoted: true });
    } else {
      const r = await decryptMessage(block.armored, { ...options, from });
      result.signatures.push(...r.verdict.signatures);
      if (r.verdict.encrypted) result.encrypted = true;
      if (otherContent && r.verdict.encrypted) result.partialEncrypted = true;
      if (otherContent && r.verdict.signatures.length > 0) result.partialSigned = true;
      pieces.push({ text: lenientUtf8.decode(r.data).replace(/\r\n?/g, '\n'), quoted: false });
    }
  }
  // Each block becomes its plaintext, quoted as deep as the block was; the rest stays as it was.
  let text = '';
  let at = 0;
  blocks.forEach((b, n) => {
    const prefix = quotePrefix(body, b.start);
    const piece = pieces[n]!;
    text += body.slice(at, b.start) + (prefix && !piece.quoted ? quoted(piece.text, prefix) : piece.text);
    at = b.end;
  });
  result.text = text + body.slice(at);
  return result;
}
