// Outlook-on-the-web-like markup. OWA's class names are hashed and change often, so what
// adapters rely on are the attributes it has kept (checked against public extension code,
// 2024–2025): the reading pane #ReadingPaneContainerId, message bodies
// div[id^="UniqueMessageBody_"][role=document], the conversation list #MailList with
// [data-convid], compose wells and body as contenteditable [role=textbox], the subject input,
// and the send button [data-testid=ComposeSendButton]. Recipient pills show display names
// only; the address appears in a persona hover card (webmail.js draws it on hover).

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

function shell(ctx: ViewContext, list: Child, main: Child[]): Child[] {
  return [
    h(
      'div',
      { class: 'o365sx-navbar', role: 'banner' },
      h(
        'a',
        {
          class: 'fui-Button splitPrimaryButton',
          href: link(ctx, '/compose'),
          'data-icon-name': 'ComposeRegular',
        },
        'New mail',
      ),
      h(
        'span',
        { id: `primaryMailboxRoot_${ctx.account.name}`, 'data-folder-name': ctx.account.address },
        ctx.account.address,
      ),
    ),
    h(
      'div',
      { class: 'wm-columns' },
      list,
      h('div', { id: 'ReadingPaneContainerId', role: 'main' }, ...main),
    ),
  ];
}

function mailList(ctx: ViewContext, threads: ThreadSummary[], selected: string | null): Child {
  return h(
    'div',
    { id: 'MailList', role: 'listbox', 'aria-label': 'Message list' },
    threads.map((t) =>
      h(
        'div',
        {
          role: 'option',
          class: 'jGG6V',
          'data-convid': t.threadId,
          'aria-selected': t.threadId === selected ? 'true' : 'false',
        },
        h(
          'a',
          { href: link(ctx, `/t/${t.threadId}`) },
          h('span', { class: 'OZZZK', title: t.last.from?.address ?? '' }, displayName(t.last.from)),
          h('span', { class: 'TtcXM' }, t.subject || '(no subject)'),
          h('span', { class: 'FqgPc' }, snippet(t.last.text)),
        ),
      ),
    ),
  );
}

export function inbox(ctx: ViewContext, threads: ThreadSummary[], notice: string | null): string {
  return page(
    ctx,
    'inbox',
    'Inbox',
    shell(ctx, mailList(ctx, threads, null), [
      notice
        ? h('div', { role: 'status', class: 'ms-MessageBar', 'data-sent-id': notice }, 'Message sent')
        : null,
    ]),
  );
}

function messageView(ctx: ViewContext, m: StoredMessage, index: number): Child {
  return h(
    'div',
    { class: 'aVla3', 'aria-label': 'Email message', tabindex: -1 },
    h(
      'div',
      { class: 'rJ4hJ' },
      h('span', { class: 'OZZZK', role: 'button', title: m.from?.address ?? '' }, displayName(m.from)),
      ' ',
      h('span', { class: 'lDdSm' }, `<${m.from?.address ?? ''}>`),
      h('div', { class: 'AL_OM' }, m.date ?? ''),
      h(
        'div',
        { role: 'toolbar', class: 'ms-OverflowSet', 'aria-label': 'Message actions' },
        h(
          'a',
          {
            href: link(ctx, '/compose', { reply: m.id }),
            'data-icon-name': 'ReplyRegular',
            'aria-label': 'Reply',
          },
          'Reply',
        ),
      ),
    ),
    h(
      'div',
      {
        id: `UniqueMessageBody_${index + 1}`,
        class: 'XbIp4 jmmB7 GNqVo yxtKT allowTextSelection',
        role: 'document',
        'aria-label': 'Message body',
      },
      h('div', { class: 'rps_3d2f', style: 'white-space: pre-wrap' }, m.text),
    ),
  );
}

export function thread(
  ctx: ViewContext,
  subject: string,
  messages: StoredMessage[],
  threads: ThreadSummary[],
): string {
  const threadId = messages[0]?.threadId ?? null;
  return page(
    ctx,
    'thread',
    subject,
    shell(ctx, mailList(ctx, threads, threadId), [
      h('div', { role: 'heading', 'aria-level': 2, class: 'JdFsz' }, subject || '(no subject)'),
      messages.map((m, i) => messageView(ctx, m, i)),
    ]),
  );
}

function well(field: 'to' | 'cc' | 'bcc', label: string, names: Child[]): Child {
  return h(
    'div',
    { class: 'VbY1P' },
    h('span', { class: 'fui-Label' }, label),
    h(
      'div',
      {
        contenteditable: 'true',
        role: 'textbox',
        'aria-label': label,
        class: 'EditorClass Rrj8R',
        'data-wm-well': field,
      },
      names,
    ),
  );
}

export function compose(ctx: ViewContext, prefill: ComposePrefill): string {
  return page(
    ctx,
    'compose',
    prefill.subject || 'New message',
    shell(ctx, null, [
      h(
        'div',
        { class: 'dMm6A', 'data-wm': 'compose' },
        h(
          'div',
          { class: 'OTADH' },
          h(
            'button',
            {
              type: 'button',
              class: 'fui-Button ms-Button--primary',
              'data-testid': 'ComposeSendButton',
              'aria-label': 'Send',
              'data-wm': 'send',
            },
            'Send',
          ),
        ),
        // Prefilled addresses become pills in webmail.js, which knows the display names.
        well('to', 'To', []),
        well('cc', 'Cc', []),
        well('bcc', 'Bcc', []),
        h('input', {
          type: 'text',
          class: 'fui-Input__input',
          'aria-label': 'Add a subject',
          placeholder: 'Add a subject',
          maxlength: 255,
          value: prefill.subject,
          'data-wm': 'subject',
        }),
        h(
          'div',
          {
            contenteditable: 'true',
            role: 'textbox',
            'aria-multiline': 'true',
            'aria-label': 'Message body',
            class: 'dFCbN k1Ttj elementToProof',
            'data-wm': 'body',
          },
          prefill.text ? prefill.text.split('\n').map((l) => h('div', null, l || h('br', null))) : null,
        ),
      ),
    ]),
    {
      ...(prefill.replyId ? { 'reply-id': prefill.replyId } : {}),
      prefill: JSON.stringify({ to: prefill.to, cc: prefill.cc }),
    },
  );
}
