// A plain webmail: server-rendered lists, <pre> bodies and a textarea compose. It stands for
// the many small providers only the generic adapter knows.

import type { StoredMessage } from '../store.ts';
import { type Child, h } from './html.ts';
import {
  type ComposePrefill,
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
      'header',
      null,
      h('a', { href: link(ctx, '/') }, 'Inbox'),
      ' | ',
      h('a', { href: link(ctx, '/compose') }, 'Write'),
    ),
    h('main', null, ...main),
  ];
}

export function inbox(ctx: ViewContext, threads: ThreadSummary[], notice: string | null): string {
  return page(
    ctx,
    'inbox',
    'Inbox',
    shell(ctx, [
      notice ? h('p', { class: 'notice', 'data-sent-id': notice }, 'Message sent') : null,
      h(
        'ul',
        { class: 'threads' },
        threads.map((t) =>
          h(
            'li',
            { 'data-thread-id': t.threadId },
            h(
              'a',
              { href: link(ctx, `/t/${t.threadId}`) },
              `${displayName(t.last.from)}: ${t.subject || '(no subject)'}`,
            ),
            ` ${snippet(t.last.text)}`,
          ),
        ),
      ),
    ]),
  );
}

function messageView(ctx: ViewContext, m: StoredMessage): Child {
  return h(
    'article',
    { class: 'message', 'data-message-id': m.id },
    h(
      'header',
      null,
      'From: ',
      h('a', { href: `mailto:${m.from?.address ?? ''}` }, displayName(m.from)),
      ` <${m.from?.address ?? ''}>  `,
      h('a', { href: link(ctx, '/compose', { reply: m.id }) }, 'Reply'),
    ),
    h('pre', { class: 'body' }, m.text),
  );
}

export function thread(ctx: ViewContext, subject: string, messages: StoredMessage[]): string {
  return page(
    ctx,
    'thread',
    subject,
    shell(ctx, [h('h1', null, subject || '(no subject)'), messages.map((m) => messageView(ctx, m))]),
  );
}

export function compose(ctx: ViewContext, prefill: ComposePrefill): string {
  const field = (name: string, label: string, value: string) =>
    h('label', null, label, ' ', h('input', { type: 'text', name, value, 'data-wm': name }));
  return page(
    ctx,
    'compose',
    prefill.subject || 'Write',
    shell(ctx, [
      h(
        'form',
        { method: 'post', 'data-wm': 'compose' },
        field('to', 'To', prefill.to.join(', ')),
        field('cc', 'Cc', prefill.cc.join(', ')),
        field('bcc', 'Bcc', ''),
        field('subject', 'Subject', prefill.subject),
        h('textarea', { name: 'body', rows: 20, cols: 80, 'data-wm': 'body' }, prefill.text),
        h('button', { type: 'submit', 'data-wm': 'send' }, 'Send'),
      ),
    ]),
    prefill.replyId ? { 'reply-id': prefill.replyId } : {},
  );
}
