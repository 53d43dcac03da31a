// How the CLI prints what shared/reader found: a part's text (HTML through html-to-text, a kept
// library, so an HTML-only mail never prints as nothing) and the words for its protection.

import { convert } from 'html-to-text';
import type { ReadPart } from '../shared/reader/index.ts';

/** The part as text: its plain text, or its HTML rendered as text (links kept in brackets). */
export function partText(part: ReadPart): string {
  if (part.html === undefined) return part.text;
  const rendered = convert(part.html, {
    wordwrap: false,
    selectors: [
      // Images are not fetched; their alt text stands in.
      { selector: 'img', format: 'skip' },
    ],
  });
  return rendered.trim() === '' ? part.text : `${rendered}\n`;
}

/** "encrypted, signed by Alice <alice@example.org> (valid)", "NOT PROTECTED", … */
export function describeProtection(part: ReadPart): string {
  const p = part.protection;
  const words: string[] = [];
  if (p.encrypted) words.push(`encrypted (${p.layer ?? 'OpenPGP'})`);
  else if (p.claimsEncryption) words.push('NOT encrypted (claims to be)');
  for (const s of p.signatures) {
    const who = s.signerUserIds[0] ?? `key ${s.keyId}`;
    const status = s.status === 'unknown_key' ? 'unknown key' : s.status;
    words.push(`signed by ${who} (${status}${s.signerMatchesFrom === false ? ', NOT the sender' : ''})`);
  }
  if (p.signatureMissing) words.push('signature missing');
  if (p.signedTextDamaged) words.push('signed text damaged in transit');
  if (words.length === 0) words.push('NOT PROTECTED: anyone could have written this');
  if (part.forwarded)
    words.push(`forwarded message${part.forwarded.from ? ` from ${part.forwarded.from.address}` : ''}`);
  return words.join(', ');
}
