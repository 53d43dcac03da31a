// Finds what the content script acts on: armored blocks in displayed messages (with the
// message's sender and clip state from the provider adapter) and compose editors. Reads the DOM
// only. Runs in the content script, so it stays dependency-free apart from shared/armor.

import { type FoundArmor, findArmor } from '../../shared/armor/index.ts';
import { findArmoredElements } from '../providers/armor.ts';
import type { Composer, DisplayedMessage, ProviderAdapter } from '../providers/types.ts';

/** Marks every node the overlay itself adds, so scans and observers skip them. */
export const OWN_ATTRIBUTE = 'data-noise-overlay';

export interface FoundBlock {
  element: HTMLElement;
  armor: FoundArmor;
  /** The element's text as shown: the block and what stands around it, read as one message. */
  text: string;
  message: DisplayedMessage | null;
}

const BLOCK_TAGS = new Set([
  'DIV',
  'P',
  'PRE',
  'LI',
  'TR',
  'BLOCKQUOTE',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'TABLE',
]);

/**
 * The text of an element as a reader sees its lines: <br> and block boundaries become line
 * breaks (textContent alone would glue armor lines together), quotes keep their text.
 */
export function textWithBreaks(root: Node): string {
  const out: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeType === 3) {
      out.push(node.nodeValue ?? '');
      return;
    }
    if (node.nodeType !== 1) return;
    const el = node as Element;
    if (el.tagName === 'BR') {
      out.push('\n');
      return;
    }
    if (el.tagName === 'SCRIPT' || el.tagName === 'STYLE') return;
    const block = BLOCK_TAGS.has(el.tagName);
    if (block) out.push('\n');
    for (let c = el.firstChild; c; c = c.nextSibling) walk(c);
    if (block) out.push('\n');
  };
  walk(root);
  return out.join('');
}

function isOwn(el: Element): boolean {
  return el.closest(`[${OWN_ATTRIBUTE}]`) !== null;
}

/** New armored blocks under root; `seen` elements (already overlaid) are skipped. */
export function scanBlocks(root: ParentNode, adapter: ProviderAdapter, seen: WeakSet<Element>): FoundBlock[] {
  const elements = findArmoredElements(root).filter((el) => !seen.has(el) && !isOwn(el));
  if (elements.length === 0) return [];
  const messages = adapter.findMessages(root);
  const found: FoundBlock[] = [];
  for (const element of elements) {
    const text = textWithBreaks(element);
    const first = findArmor(text)[0];
    if (!first) continue;
    const message = messages.find((m) => m.element.contains(element) || element.contains(m.element)) ?? null;
    found.push({ element, armor: first, text, message });
  }
  return found;
}

/** Compose editors that have no compose button yet. */
export function scanComposers(
  root: ParentNode,
  adapter: ProviderAdapter,
  seen: WeakSet<Element>,
): Composer[] {
  return adapter.findComposers(root).filter((c) => !seen.has(c.body) && !isOwn(c.body));
}

/**
 * A clipped message whose visible part holds only the start of an armored block: the page shows
 * a BEGIN line but no END line. The reader needs the full message.
 */
export function clippedWithoutBlock(
  messages: DisplayedMessage[],
  seen: WeakSet<Element>,
): DisplayedMessage[] {
  return messages.filter(
    (m) =>
      m.clipped &&
      !seen.has(m.element) &&
      /-----BEGIN (PGP MESSAGE|NOISE)/.test(m.element.textContent ?? '') &&
      findArmoredElements(m.element).length === 0,
  );
}
