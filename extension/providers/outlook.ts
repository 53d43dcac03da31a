// Outlook on the web (outlook.live.com, outlook.office.com, outlook.cloud.microsoft). OWA's
// class names are hashed and change with every release, so only attributes that have stayed
// put are used, as seen in public extension code (Mailvelope 6.x outlookIntegration, 2025);
// checked 2026-11-23, not against a live account (no network here):
//   reading pane   #ReadingPaneContainerId; list #MailList [aria-selected=true][data-convid]
//   message body   div[id^="UniqueMessageBody_"][role=document]
//   compose        send button [data-testid=ComposeSendButton]; recipient wells and the body
//                  are [contenteditable=true][role=textbox]; the body is the multi-line one
//   recipients     pills show display names; the address is only in the persona hover card
//                  ([role=dialog] with a mailto: link) that OWA draws on mouseover
// aria-labels ("Message body", "To", "Add a subject") are translated: at most a hint.

import { parseAddress } from '../../shared/address.ts';
import { addressesIn, addressInAttributes, uniqueAddresses } from './addresses.ts';
import { ancestorWhere, outermost, within } from './elements.ts';
import type { Composer, DisplayedMessage, PageLocation, ProviderAdapter, Recipients } from './types.ts';

const HOSTS = /^(outlook\.(live|office|office365)\.com|outlook\.cloud\.microsoft)$/;
const SEND = '[data-testid="ComposeSendButton"]';
const EDITABLE = '[contenteditable="true"][role="textbox"]';
const MESSAGE_BODY = 'div[id^="UniqueMessageBody_"], #ReadingPaneContainerId [role="document"]';
const PILL = '[data-lpc-hover-target], [contenteditable="false"]';
const PILL_ATTRIBUTES = ['data-email', 'title', 'aria-label'] as const;

type Field = 'to' | 'cc' | 'bcc';
// Well labels in the languages OWA ships most; wells without a known label go by order.
const FIELD_HINTS: [Field, RegExp][] = [
  ['bcc', /^(bcc|cci|ccn|cco|bkk|blindkopie)$/i],
  ['cc', /^(cc|kopie)$/i],
  ['to', /^(to|an|à|a|para|aan|do|til|till|kime)$/i],
];

function isBody(el: HTMLElement): boolean {
  return (
    el.getAttribute('aria-multiline') === 'true' || /^message body/i.test(el.getAttribute('aria-label') ?? '')
  );
}

function composeRoot(body: HTMLElement): HTMLElement {
  return (
    ancestorWhere(body, (a) => a.querySelector(SEND) !== null, 15) ??
    ancestorWhere(
      body,
      (a) => [...a.querySelectorAll(EDITABLE)].some((e) => e !== body && !e.contains(body)),
      8,
    ) ??
    body.parentElement ??
    body
  );
}

function wellsOf(root: HTMLElement, body: HTMLElement): Map<Field, HTMLElement> {
  const wells = [...root.querySelectorAll<HTMLElement>(EDITABLE)].filter((w) => w !== body && !isBody(w));
  const out = new Map<Field, HTMLElement>();
  const unlabelled: HTMLElement[] = [];
  for (const w of wells) {
    const label = (w.getAttribute('aria-label') ?? '').trim();
    const field = FIELD_HINTS.find(([, re]) => re.test(label))?.[0];
    if (field && !out.has(field)) out.set(field, w);
    else unlabelled.push(w);
  }
  for (const field of ['to', 'cc', 'bcc'] as const)
    if (!out.has(field) && unlabelled.length) out.set(field, unlabelled.shift()!);
  return out;
}

// Addresses learnt from hover cards, per pill element.
const resolved = new WeakMap<Element, string>();

function pillsOf(well: HTMLElement): HTMLElement[] {
  return outermost(within<HTMLElement>(well, PILL).filter((p) => p !== well));
}

function readWell(well: HTMLElement): { addresses: string[]; unresolved: HTMLElement[] } {
  const addresses: string[] = [];
  const unresolved: HTMLElement[] = [];
  for (const pill of pillsOf(well)) {
    const address =
      resolved.get(pill) ??
      addressInAttributes(pill, PILL_ATTRIBUTES) ??
      addressesIn(pill.textContent)[0] ??
      null;
    if (address) addresses.push(address);
    else unresolved.push(pill);
  }
  // Typed text not yet turned into a pill.
  for (const node of well.childNodes) if (node.nodeType === 3) addresses.push(...addressesIn(node.nodeValue));
  return { addresses, unresolved };
}

function waitForCard(doc: Document, timeoutMs: number): Promise<string | null> {
  const find = () => {
    for (const card of doc.querySelectorAll('[role="dialog"], [role="tooltip"]')) {
      const mail = card.querySelector('a[href^="mailto:" i]')?.getAttribute('href')?.slice(7);
      const address = addressesIn(mail)[0] ?? addressesIn(card.textContent)[0];
      if (address) return address;
    }
    return null;
  };
  return new Promise((resolve) => {
    const now = find();
    if (now) return resolve(now);
    const observer = new MutationObserver(() => {
      const hit = find();
      if (hit) finish(hit);
    });
    const timer = setTimeout(() => finish(null), timeoutMs);
    function finish(value: string | null) {
      observer.disconnect();
      clearTimeout(timer);
      resolve(value);
    }
    observer.observe(doc.body ?? doc.documentElement, { childList: true, subtree: true });
  });
}

/** Hovers each unresolved pill in turn and reads the persona card OWA shows for it. */
async function resolvePill(pill: HTMLElement, timeoutMs: number): Promise<string | null> {
  const doc = pill.ownerDocument;
  const view = doc.defaultView;
  if (!view) return null;
  const fire = (type: string, bubbles: boolean) =>
    pill.dispatchEvent(new view.MouseEvent(type, { bubbles, cancelable: true, view }));
  fire('pointerover', true);
  fire('mouseover', true);
  fire('mouseenter', false);
  const address = await waitForCard(doc, timeoutMs);
  fire('mouseout', true);
  fire('mouseleave', false);
  if (address) resolved.set(pill, address);
  return address;
}

function composer(body: HTMLElement): Composer {
  const root = composeRoot(body);
  const wells = () => wellsOf(root, body);
  const subjectInput =
    [...root.querySelectorAll<HTMLInputElement>('input:not([type]), input[type="text"]')].find(
      (i) => ![...wells().values()].some((w) => w.contains(i)),
    ) ?? null;
  const recipients = (): Recipients => {
    const out: Recipients = { to: [], cc: [], bcc: [], unresolved: [] };
    for (const [field, well] of wells()) {
      const { addresses, unresolved } = readWell(well);
      out[field] = uniqueAddresses(addresses);
      out.unresolved.push(...unresolved.map((p) => ({ field, name: (p.textContent ?? '').trim() })));
    }
    return out;
  };
  return {
    provider: 'outlook',
    root,
    body,
    kind: 'contenteditable',
    subjectInput,
    subject: () => subjectInput?.value ?? '',
    recipients,
    async resolveRecipients() {
      for (const well of wells().values()) {
        for (const pill of readWell(well).unresolved) await resolvePill(pill, 1500);
      }
      return recipients();
    },
  };
}

function senderOf(body: HTMLElement): string | null {
  // The header sits beside the body in the message's container: the nearest ancestor with an
  // address outside the body (title attribute, or "Name <addr>" text).
  let a = body.parentElement;
  for (let i = 0; a && i < 6; i++, a = a.parentElement) {
    for (const el of a.querySelectorAll('[title*="@"], [aria-label*="@"], [data-email]')) {
      if (body.contains(el)) continue;
      const hit = addressInAttributes(el, ['data-email', 'title', 'aria-label']);
      if (hit) return hit;
    }
    for (const child of a.children) {
      if (child.contains(body) || child.matches(MESSAGE_BODY)) continue;
      // "Name <addr>": the first bracketed text that is an address.
      for (const m of (child.textContent ?? '').matchAll(/<([^<>]*)>/g)) {
        const hit = parseAddress(m[1]!);
        if (hit) return hit;
      }
    }
  }
  return null;
}

function message(body: HTMLElement, index: number): DisplayedMessage {
  const conversation = body.ownerDocument.querySelector('#MailList [aria-selected="true"][data-convid]');
  const convid = conversation?.getAttribute('data-convid');
  return {
    provider: 'outlook',
    element: body,
    messageId: convid ? `${convid}#${index}` : body.id || null,
    sender: () => senderOf(body),
    clipped: false,
    fullViewUrl: null,
  };
}

export const outlook: ProviderAdapter = {
  name: 'outlook',
  detect(location: PageLocation, document: Document): boolean {
    if (HOSTS.test(location.hostname)) return true;
    return document.querySelector(`${SEND}, div[id^="UniqueMessageBody_"], #ReadingPaneContainerId`) !== null;
  },
  findComposers(root: ParentNode): Composer[] {
    const bodies = new Set<HTMLElement>(within<HTMLElement>(root, EDITABLE).filter(isBody));
    // Without the multi-line hint, the last editable before each send button's form is the body.
    for (const send of within<HTMLElement>(root, SEND)) {
      const form = ancestorWhere(send, (a) => a.querySelector(EDITABLE) !== null, 15);
      const editables = form ? [...form.querySelectorAll<HTMLElement>(EDITABLE)] : [];
      if (editables.length && !editables.some(isBody)) bodies.add(editables[editables.length - 1]!);
    }
    return outermost([...bodies]).map(composer);
  },
  findMessages(root: ParentNode): DisplayedMessage[] {
    const all = outermost(within<HTMLElement>(root, MESSAGE_BODY));
    const doc = (root as Node).ownerDocument ?? (root as Document);
    const order = [...doc.querySelectorAll(MESSAGE_BODY)];
    return all.map((b) => message(b, Math.max(0, order.indexOf(b))));
  },
};
