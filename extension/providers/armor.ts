// Finds elements whose text holds a complete armored block: OpenPGP (RFC 9580 §6.2) or our
// envelope (docs/spec/envelope-v1.md §6). Only locates; the tolerant parser in shared/ reads
// and repairs the text. Editable fields, scripts and styles are skipped.

import { ARMOR_BEGIN, ARMOR_END } from '../../shared/envelope/labels.ts';

const BLOCKS: [begin: string, end: string][] = [
  ['-----BEGIN PGP MESSAGE-----', '-----END PGP MESSAGE-----'],
  ['-----BEGIN PGP SIGNED MESSAGE-----', '-----END PGP SIGNATURE-----'],
  ['-----BEGIN PGP PUBLIC KEY BLOCK-----', '-----END PGP PUBLIC KEY BLOCK-----'],
  [ARMOR_BEGIN, ARMOR_END],
];

const SKIP =
  'script, style, noscript, textarea, input, [contenteditable=""], [contenteditable="true"], [contenteditable="plaintext-only"]';

/** The smallest elements under root that contain a whole armored block, in document order. */
export function findArmoredElements(root: ParentNode, maxClimb = 10): HTMLElement[] {
  const doc = (root as Node).ownerDocument ?? (root as Document);
  const found = new Set<HTMLElement>();
  const walker = doc.createTreeWalker(root as Node, 4 /* NodeFilter.SHOW_TEXT */);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue ?? '';
    if (!text.includes('-----BEGIN ')) continue;
    const parent = node.parentElement;
    if (!parent || parent.closest(SKIP)) continue;
    const block = BLOCKS.find(([begin]) => text.includes(begin));
    if (!block) continue;
    let el: HTMLElement | null = parent;
    for (let i = 0; el && i < maxClimb; i++, el = el.parentElement) {
      if ((el.textContent ?? '').includes(block[1])) {
        found.add(el);
        break;
      }
    }
  }
  const list = [...found];
  // Keep the innermost element per block: an outer one that holds a found one is dropped.
  return list.filter((el) => !list.some((other) => other !== el && el.contains(other)));
}
