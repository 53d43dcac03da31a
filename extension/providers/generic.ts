// Any other webmail: every visible textarea or contenteditable taller than about 80 px is a
// possible compose body, and any element holding a whole armored block is a message. Recipients
// and subject come from ordinary form fields named to/cc/bcc/subject when the page has them.

import { addressesIn, uniqueAddresses } from './addresses.ts';
import { findArmoredElements } from './armor.ts';
import { ancestorWhere, outermost, within } from './elements.ts';
import type { Composer, DisplayedMessage, ProviderAdapter, Recipients } from './types.ts';

const EDITORS =
  'textarea, [contenteditable="true"], [contenteditable=""], [contenteditable="plaintext-only"]';
const FIELD_INPUTS = 'input, textarea';

export interface GenericOptions {
  /** Editors at most this tall (CSS px) are ignored: search boxes, chat lines. */
  minHeight?: number;
  /** Layout box of an element; a hidden one measures 0. Tests without layout pass their own. */
  measure?: (el: HTMLElement) => { width: number; height: number };
}

function fieldOf(input: Element): 'to' | 'cc' | 'bcc' | 'subject' | null {
  const keys = [input.getAttribute('name'), input.id, input.getAttribute('autocomplete')].map((k) =>
    (k ?? '').toLowerCase(),
  );
  for (const k of keys) {
    if (k === 'to' || k === 'cc' || k === 'bcc' || k === 'subject') return k;
    if (/(^|[-_])(to|recipients?)$/.test(k)) return 'to';
    if (/subject/.test(k)) return 'subject';
  }
  return input.getAttribute('type') === 'email' ? 'to' : null;
}

function composer(body: HTMLElement): Composer {
  const form = body.closest('form');
  // Fields of another form belong to another editor (or a search box), never to this one.
  const ours = (i: Element) => i !== body && i.closest('form') === form;
  const root =
    form ??
    ancestorWhere(
      body,
      (a) => [...a.querySelectorAll(FIELD_INPUTS)].some((i) => ours(i) && fieldOf(i) !== null),
      6,
    ) ??
    body.parentElement ??
    body;
  const fields = (name: string) =>
    [...root.querySelectorAll<HTMLInputElement>(FIELD_INPUTS)].filter((i) => ours(i) && fieldOf(i) === name);
  const subjectInput = (fields('subject')[0] as HTMLInputElement | undefined) ?? null;
  const recipients = (): Recipients => ({
    to: uniqueAddresses(fields('to').flatMap((i) => addressesIn(i.value))),
    cc: uniqueAddresses(fields('cc').flatMap((i) => addressesIn(i.value))),
    bcc: uniqueAddresses(fields('bcc').flatMap((i) => addressesIn(i.value))),
    unresolved: [],
  });
  return {
    provider: 'generic',
    root,
    body,
    kind: body.tagName === 'TEXTAREA' ? 'textarea' : 'contenteditable',
    subjectInput,
    subject: () => subjectInput?.value ?? '',
    recipients,
    resolveRecipients: async () => recipients(),
  };
}

function senderNear(el: HTMLElement): string | null {
  const container = el.closest('[data-message-id], article, [role="article"], [role="listitem"]');
  for (const a of container?.querySelectorAll('a[href^="mailto:" i]') ?? []) {
    if (el.contains(a)) continue;
    const hit = addressesIn(a.getAttribute('href'))[0];
    if (hit) return hit;
  }
  return null;
}

export function createGenericAdapter(options: GenericOptions = {}): ProviderAdapter {
  const minHeight = options.minHeight ?? 80;
  const measure = options.measure ?? ((el: HTMLElement) => el.getBoundingClientRect());
  const usable = (el: HTMLElement) => {
    if (el.hasAttribute('disabled') || el.hasAttribute('readonly')) return false;
    const box = measure(el);
    return box.width > 0 && box.height > minHeight;
  };
  return {
    name: 'generic',
    detect: () => true,
    findComposers(root: ParentNode): Composer[] {
      return outermost(within<HTMLElement>(root, EDITORS)).filter(usable).map(composer);
    },
    findMessages(root: ParentNode): DisplayedMessage[] {
      return findArmoredElements(root).map(
        (element): DisplayedMessage => ({
          provider: 'generic',
          element,
          messageId: element.closest('[data-message-id]')?.getAttribute('data-message-id') ?? null,
          sender: () => senderNear(element),
          clipped: false,
          fullViewUrl: null,
        }),
      );
    },
  };
}

export const generic: ProviderAdapter = createGenericAdapter();
