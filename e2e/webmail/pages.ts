// HTML views: inbox, thread, compose, in the skin the URL or the account asks for.

import { isSkin, type Skin } from './accounts.ts';
import { WebmailError } from './errors.ts';
import * as gmail from './render/gmail.ts';
import type { ComposePrefill, ThreadSummary, ViewContext } from './render/layout.ts';
import * as outlook from './render/outlook.ts';
import * as plain from './render/plain.ts';
import type { MailStore, StoredMessage } from './store.ts';

export function threadsOf(messages: StoredMessage[]): ThreadSummary[] {
  const byThread = new Map<string, StoredMessage[]>();
  for (const m of messages) {
    const list = byThread.get(m.threadId) ?? [];
    list.push(m);
    byThread.set(m.threadId, list);
  }
  return [...byThread.entries()]
    .map(([threadId, list]) => ({
      threadId,
      subject: list[0]!.subject,
      last: list[list.length - 1]!,
      count: list.length,
    }))
    .sort((a, b) => (a.last.id < b.last.id ? 1 : -1));
}

export interface PageResult {
  html: string;
  skin: Skin;
}

export async function renderPage(
  store: MailStore,
  accountName: string,
  rest: string[],
  query: URLSearchParams,
): Promise<PageResult> {
  const account = store.account(accountName);
  const skinParam = query.get('skin');
  if (skinParam !== null && !isSkin(skinParam))
    throw new WebmailError(400, 'invalid_argument', 'unknown skin');
  const skin = skinParam ?? account.skin;
  const ctx: ViewContext = { account, accounts: store.accounts(), skin, skinFromUrl: skinParam !== null };
  const views = { gmail, outlook, plain }[skin];
  const all = await store.all(accountName);
  const threads = threadsOf(all);

  if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) {
    return { skin, html: views.inbox(ctx, threads, query.get('sent')) };
  }
  if (rest[0] === 't' && rest[1] && rest.length === 2) {
    const messages = await store.thread(accountName, rest[1]);
    const subject = messages[0]!.subject;
    if (skin === 'gmail') {
      const full = query.get('view') === 'lg' ? query.get('msg') : null;
      return { skin, html: gmail.thread(ctx, subject, messages, full) };
    }
    if (skin === 'outlook') return { skin, html: outlook.thread(ctx, subject, messages, threads) };
    return { skin, html: plain.thread(ctx, subject, messages) };
  }
  if (rest[0] === 'compose' && rest.length === 1) {
    const prefill: ComposePrefill = { to: [], cc: [], subject: '', text: '', replyId: null };
    const to = query.get('to');
    if (to)
      prefill.to = to
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    const replyId = query.get('reply');
    if (replyId) {
      const parent = await store.get(accountName, replyId);
      prefill.replyId = parent.id;
      const replyTo =
        parent.mailbox === 'sent' ? parent.to.map((a) => a.address) : [parent.from?.address ?? ''];
      prefill.to = replyTo.filter(Boolean);
      prefill.subject = /^re:/i.test(parent.subject) ? parent.subject : `Re: ${parent.subject}`;
    }
    return { skin, html: views.compose(ctx, prefill) };
  }
  throw new WebmailError(404, 'not_found', 'no such page');
}

export function indexPage(store: MailStore): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const rows = store
    .accounts()
    .map(
      (a) =>
        `<li><a href="/u/${a.name}/">${esc(a.address)}</a> (${a.skin}) — ` +
        `${['gmail', 'outlook', 'plain'].map((s) => `<a href="/u/${a.name}/?skin=${s}">${s}</a>`).join(' · ')}</li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo webmail</title></head><body><h1>Demo webmail</h1><ul>${rows}</ul><p><a href="/hostile">Hostile fixture page</a></p></body></html>`;
}
