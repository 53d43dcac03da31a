// Gmail. Selectors as Gmail serves them in 2024–2026, taken from public extension code
// (Mailvelope 6.x gmailIntegration, InboxSDK's compose page parser); checked 2026-11-23, not
// against a live account (no network here):
//   message       div.adn[data-message-id="#msg-f:…"][data-legacy-message-id]
//   body          div.ii.gt > div.a3s.aiL (older: div.a3s.aXjCH)
//   sender        h3.iw span.gD[email]
//   clipped       div.iX a[href*="view=lg"] ("View entire message")
//   compose body  div.M9 … div[contenteditable=true][role=textbox][g_editable=true]
//   subject       input[name=subjectbox]
//   recipients    since 2021: div.anm[name=to|cc|bcc] [role=listbox] [role=option][data-hovercard-id]
//                 before:     textarea.vO[name=to] in a tr with div.vR > span.vN[email] chips
//                             and input[type=hidden][name=to]
// aria-labels ("Message Body", "To recipients") are translated, so nothing here reads them.

import { addressesIn, uniqueAddresses } from './addresses.ts';
import { ancestorWhere, isTextInput, outermost, within } from './elements.ts';
import type { Composer, DisplayedMessage, PageLocation, ProviderAdapter, Recipients } from './types.ts';

const BODY =
  'div[g_editable="true"][contenteditable="true"], div.M9 [contenteditable="true"][role="textbox"]';
const COMPOSE_MARKERS = 'input[name="subjectbox"], textarea.vO, .anm[name], [name="to"]';
const MESSAGE = 'div.adn[data-message-id], div[data-message-id][data-legacy-message-id]';

function recipientsIn(root: HTMLElement, field: 'to' | 'cc' | 'bcc'): string[] {
  const found: string[] = [];
  for (const el of root.querySelectorAll(`[name="${field}"]`)) {
    if (isTextInput(el)) {
      // Old layout: typed text and hidden per-chip inputs carry addresses; the chips sit in
      // the same table row.
      found.push(...addressesIn(el.value));
      const row = el.tagName === 'TEXTAREA' ? el.closest('tr') : null;
      for (const chip of row?.querySelectorAll('[email]') ?? [])
        found.push(...addressesIn(chip.getAttribute('email')));
    } else {
      for (const chip of el.querySelectorAll('[data-hovercard-id], [email]')) {
        found.push(...addressesIn(chip.getAttribute('data-hovercard-id') ?? chip.getAttribute('email')));
      }
    }
  }
  return uniqueAddresses(found);
}

function composeRoot(body: HTMLElement): HTMLElement {
  return (
    ancestorWhere(body, (a) => a.querySelector(COMPOSE_MARKERS) !== null) ??
    body.closest<HTMLElement>('[role="dialog"]') ??
    body.parentElement ??
    body
  );
}

function composer(body: HTMLElement): Composer {
  const root = composeRoot(body);
  const subjectInput = root.querySelector<HTMLInputElement>('input[name="subjectbox"]');
  const recipients = (): Recipients => ({
    to: recipientsIn(root, 'to'),
    cc: recipientsIn(root, 'cc'),
    bcc: recipientsIn(root, 'bcc'),
    unresolved: [],
  });
  return {
    provider: 'gmail',
    root,
    body,
    kind: 'contenteditable',
    subjectInput,
    subject: () => subjectInput?.value ?? '',
    recipients,
    resolveRecipients: async () => recipients(),
  };
}

function message(el: HTMLElement): DisplayedMessage | null {
  // In order of preference: a selector list would return the first in document order.
  const body = ['div.a3s.aiL', 'div.a3s', 'div.ii.gt']
    .map((s) => el.querySelector<HTMLElement>(s))
    .find(Boolean);
  if (!body) return null;
  const legacy = el.getAttribute('data-legacy-message-id');
  const permanent = el.getAttribute('data-message-id')?.replace(/^#msg-[af]:/, '') ?? null;
  const clip = el.querySelector<HTMLAnchorElement>('.iX a[href*="view=lg"]');
  return {
    provider: 'gmail',
    element: body,
    messageId: legacy || permanent,
    sender: () =>
      addressesIn(el.querySelector('span.gD[email], .gD[email]')?.getAttribute('email'))[0] ?? null,
    clipped: clip !== null,
    fullViewUrl: clip?.href || null,
  };
}

export const gmail: ProviderAdapter = {
  name: 'gmail',
  detect(location: PageLocation, document: Document): boolean {
    if (location.hostname === 'mail.google.com') return true;
    return (
      document.querySelector('meta[name="application-name"][content="Gmail"]') !== null ||
      document.querySelector(`${MESSAGE}, div[g_editable="true"]`) !== null
    );
  },
  findComposers(root: ParentNode): Composer[] {
    return outermost(within(root, BODY)).map(composer);
  },
  findMessages(root: ParentNode): DisplayedMessage[] {
    return within(root, MESSAGE)
      .map(message)
      .filter((m): m is DisplayedMessage => m !== null);
  },
};
