// Gmail-like markup. Class names and attributes follow Gmail's DOM as public extensions
// (Mailvelope 6.x, InboxSDK, gmail.js) read it in 2024–2026: messages div.adn[data-message-id]
// > div.ii.gt > div.a3s.aiL, sender span.gD[email], compose div.M9 with a g_editable textbox,
// subject input[name=subjectbox], recipients .anm[name=to] [role=listbox] [role=option]
// [data-hovercard-id], the clip notice .iX a[href*="view=lg"].

import type { StoredMessage } from '../store.ts';
import { type Child, h, textWithBreaks } from './html.ts';
import {
  type ComposePrefill,
  clipped,
  displayName,
  link,
  page,
  snippet,
  type ThreadSummary,
  type ViewContext,
} from './layout.ts';

function shell(ctx: ViewContext, main: Child[]): Child[] {
  return [
    h(
      'div',
      { class: 'aeN', role: 'navigation' },
      h('a', { class: 'T-I T-I-KE L3', role: 'button', gh: 'cm', href: link(ctx, '/compose') }, 'Compose'),
      h('a', { class: 'aim', href: link(ctx, '/') }, 'Inbox'),
    ),
    h('div', { class: 'nH bkK', role: 'main' }, ...main),
  ];
}

export function inbox(ctx: ViewContext, threads: ThreadSummary[], notice: string | null): string {
  const rows = threads.map((t) =>
    h(
      'tr',
      { class: 'zA zE', role: 'row', 'data-thread-id': t.threadId },
      h(
        'td',
        { class: 'yX xY' },
        h(
          'span',
          { class: 'yP', email: t.last.from?.address ?? '', name: displayName(t.last.from) },
          displayName(t.last.from),
        ),
        t.count > 1 ? h('span', { class: 'bx0' }, ` ${t.count}`) : null,
      ),
      h(
        'td',
        { class: 'xY a4W' },
        h(
          'a',
          { href: link(ctx, `/t/${t.threadId}`) },
          h('span', { class: 'bog' }, t.subject || '(no subject)'),
          h('span', { class: 'y2' }, ` - ${snippet(t.last.text)}`),
        ),
      ),
    ),
  );
  return page(
    ctx,
    'inbox',
    'Inbox',
    shell(ctx, [
      notice ? h('div', { class: 'bAq', role: 'alert', 'data-sent-id': notice }, 'Message sent') : null,
      h('table', { class: 'F cf zt', role: 'grid' }, h('tbody', null, rows)),
    ]),
  );
}

function messageView(ctx: ViewContext, m: StoredMessage, full: boolean): Child {
  const { shown, clipped: isClipped } = full ? { shown: m.text, clipped: false } : clipped(m.text);
  // The body container is a direct child of div.adn, so `div.adn > div.ii.gt > div.a3s.aiL`
  // holds as the Gmail provider (extension/providers/gmail.ts) selects it.
  return h(
    'div',
    { class: 'adn ads', 'data-message-id': `#msg-f:${m.id}`, 'data-legacy-message-id': m.id },
    h(
      'div',
      { class: 'gE iv gt' },
      h(
        'h3',
        { class: 'iw' },
        h(
          'span',
          { class: 'gD', email: m.from?.address ?? '', name: displayName(m.from) },
          displayName(m.from),
        ),
        ' ',
        h('span', { class: 'go' }, `<${m.from?.address ?? ''}>`),
      ),
      h('span', { class: 'g3', title: m.date ?? '' }, m.date ?? ''),
      h('a', { class: 'ams bkH', role: 'link', href: link(ctx, '/compose', { reply: m.id }) }, 'Reply'),
    ),
    h(
      'div',
      { class: 'ii gt' },
      h('div', { class: 'a3s aiL' }, h('div', { dir: 'ltr' }, textWithBreaks(shown))),
    ),
    isClipped
      ? h(
          'div',
          { class: 'iX' },
          h('span', null, '[Message clipped]  '),
          h('a', { href: link(ctx, `/t/${m.threadId}`, { view: 'lg', msg: m.id }) }, 'View entire message'),
        )
      : null,
  );
}

export function thread(
  ctx: ViewContext,
  subject: string,
  messages: StoredMessage[],
  fullId: string | null,
): string {
  const shown = fullId ? messages.filter((m) => m.id === fullId) : messages;
  return page(
    ctx,
    'thread',
    subject,
    shell(ctx, [
      h(
        'h2',
        { class: 'hP', 'data-thread-perm-id': `thread-f:${messages[0]?.threadId ?? ''}` },
        subject || '(no subject)',
      ),
      h(
        'div',
        { class: 'nH' },
        shown.map((m) => messageView(ctx, m, fullId !== null)),
      ),
    ]),
  );
}

function recipientRow(field: 'to' | 'cc' | 'bcc', label: string, addresses: string[]): Child {
  return h(
    'tr',
    { class: 'bzf' },
    h(
      'td',
      { class: 'eV' },
      h(
        'div',
        { class: 'anm', name: field },
        h('span', { class: 'aB' }, label),
        h(
          'div',
          { role: 'listbox', class: 'afZ', 'aria-label': `${label} recipients`, 'data-wm-chips': field },
          addresses.map((a) =>
            h(
              'div',
              { role: 'option', class: 'afV', 'data-hovercard-id': a, 'data-name': a, tabindex: -1 },
              h('span', { class: 'akl' }, a),
            ),
          ),
        ),
        h('input', {
          class: 'agP aFw',
          type: 'text',
          'aria-label': `${label} recipients`,
          'data-wm-recipient-input': field,
        }),
      ),
    ),
  );
}

export function compose(ctx: ViewContext, prefill: ComposePrefill): string {
  return page(
    ctx,
    'compose',
    prefill.subject || 'New Message',
    shell(ctx, [
      h(
        'div',
        { class: 'nH Hd', role: 'dialog', 'aria-label': prefill.replyId ? 'Reply' : 'New Message' },
        h('h2', { class: 'a3E' }, h('div', { class: 'aYF' }, prefill.replyId ? 'Reply' : 'New Message')),
        h(
          'form',
          { class: 'bAs', method: 'post', 'data-wm': 'compose' },
          h('input', { type: 'hidden', name: 'from', value: ctx.account.address }),
          h(
            'table',
            { class: 'GS' },
            h(
              'tbody',
              null,
              recipientRow('to', 'To', prefill.to),
              recipientRow('cc', 'Cc', prefill.cc),
              recipientRow('bcc', 'Bcc', []),
            ),
          ),
          h('input', {
            name: 'subjectbox',
            class: 'aoT',
            placeholder: 'Subject',
            'aria-label': 'Subject',
            value: prefill.subject,
            'data-wm': 'subject',
          }),
          h(
            'div',
            { class: 'M9' },
            h(
              'div',
              { class: 'Ar Au' },
              h(
                'div',
                {
                  class: 'Am Al editable LW-avf tS-tW',
                  contenteditable: 'true',
                  role: 'textbox',
                  g_editable: 'true',
                  'aria-label': 'Message Body',
                  'aria-multiline': 'true',
                  tabindex: 1,
                  'data-wm': 'body',
                },
                prefill.text ? textWithBreaks(prefill.text) : null,
              ),
            ),
          ),
          h(
            'div',
            { class: 'dC' },
            h(
              'div',
              {
                role: 'button',
                class: 'T-I J-J5-Ji aoO v7 T-I-atl L3',
                'data-tooltip': 'Send',
                'aria-label': 'Send',
                tabindex: 1,
                'data-wm': 'send',
              },
              'Send',
            ),
          ),
        ),
      ),
    ]),
    prefill.replyId ? { 'reply-id': prefill.replyId } : {},
  );
}
