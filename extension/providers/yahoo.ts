// Yahoo Mail (mail.yahoo.com). Yahoo's class names are generated ("D_F ek_BB"), but it ships
// data-test-id attributes that its own and third-party test suites use; from public test code
// and extensions (2023–2025); checked 2026-11-23, not against a live account (no network here),
// so these are the least certain of the three:
//   compose        [data-test-id=compose]; body div[data-test-id=rte][contenteditable=true]
//                  (older: #editor-container [contenteditable]); subject
//                  input[data-test-id=compose-subject]; send [data-test-id=compose-send-button]
//   recipients     #message-to-field / #message-cc-field / #message-bcc-field inputs, inside
//                  [data-test-id=container-to|cc|bcc] with pills [data-test-id=pill]
//                  whose title or text holds the address
//   message        [data-test-id=message-view-body-content] inside [data-test-id=message-view]
//                  (or a [data-message-id] ancestor); sender [data-test-id=message-from]

import { addressesIn, addressInAttributes, uniqueAddresses } from './addresses.ts';
import { ancestorWhere, outermost, within } from './elements.ts';
import type { Composer, DisplayedMessage, PageLocation, ProviderAdapter, Recipients } from './types.ts';

const BODY = '[data-test-id="rte"][contenteditable="true"], #editor-container [contenteditable="true"]';
const COMPOSE = '[data-test-id="compose"], [data-test-id="compose-send-button"]';
const MESSAGE_BODY = '[data-test-id="message-view-body-content"]';

function recipientsIn(root: HTMLElement, field: 'to' | 'cc' | 'bcc'): string[] {
  const found: string[] = [];
  const input = root.querySelector<HTMLInputElement>(`#message-${field}-field`);
  const container =
    root.querySelector(`[data-test-id="container-${field}"]`) ??
    input?.closest('[data-test-id^="container-"]') ??
    null;
  for (const pill of container?.querySelectorAll('[data-test-id="pill"]') ?? []) {
    const address =
      addressInAttributes(pill, ['title', 'data-email', 'aria-label']) ??
      [...pill.querySelectorAll('[title]')]
        .map((t) => addressesIn(t.getAttribute('title'))[0])
        .find(Boolean) ??
      addressesIn(pill.textContent)[0];
    if (address) found.push(address);
  }
  if (input) found.push(...addressesIn(input.value));
  return uniqueAddresses(found);
}

function composer(body: HTMLElement): Composer {
  const root =
    body.closest<HTMLElement>('[data-test-id="compose"]') ??
    ancestorWhere(body, (a) => a.querySelector(COMPOSE) !== null) ??
    body.parentElement ??
    body;
  const subjectInput = root.querySelector<HTMLInputElement>('input[data-test-id="compose-subject"]');
  const recipients = (): Recipients => ({
    to: recipientsIn(root, 'to'),
    cc: recipientsIn(root, 'cc'),
    bcc: recipientsIn(root, 'bcc'),
    unresolved: [],
  });
  return {
    provider: 'yahoo',
    root,
    body,
    kind: 'contenteditable',
    subjectInput,
    subject: () => subjectInput?.value ?? '',
    recipients,
    resolveRecipients: async () => recipients(),
  };
}

function message(body: HTMLElement): DisplayedMessage {
  const container =
    body.closest<HTMLElement>('[data-test-id="message-view"], [data-message-id]') ??
    ancestorWhere(body, (a) => a.querySelector('[data-test-id="message-from"]') !== null, 8);
  const from = container?.querySelector('[data-test-id="message-from"]');
  return {
    provider: 'yahoo',
    element: body,
    messageId: container?.getAttribute('data-message-id') ?? null,
    sender: () => {
      if (!from) return null;
      const attr = [from, ...from.querySelectorAll('[title], [data-email]')]
        .map((el) => addressInAttributes(el, ['data-email', 'title']))
        .find(Boolean);
      return attr ?? addressesIn(from.textContent)[0] ?? null;
    },
    clipped: false,
    fullViewUrl: null,
  };
}

export const yahoo: ProviderAdapter = {
  name: 'yahoo',
  detect(location: PageLocation, document: Document): boolean {
    if (/(^|\.)mail\.yahoo\.com$/.test(location.hostname)) return true;
    return document.querySelector(`[data-test-id="compose-send-button"], ${MESSAGE_BODY}`) !== null;
  },
  findComposers(root: ParentNode): Composer[] {
    return outermost(within<HTMLElement>(root, BODY)).map(composer);
  },
  findMessages(root: ParentNode): DisplayedMessage[] {
    return outermost(within<HTMLElement>(root, MESSAGE_BODY)).map(message);
  },
};
