// What every skin shares: the page shell, links that keep an explicit ?skin=, the summary of a
// thread, and the clip rule.

import type { Account, Skin } from '../accounts.ts';
import type { Address, StoredMessage } from '../store.ts';
import { type Child, fragment, Html, h } from './html.ts';

export interface ViewContext {
  account: Account;
  accounts: Account[];
  skin: Skin;
  /** Set when the URL chose the skin, so links keep it. */
  skinFromUrl: boolean;
}

export interface ThreadSummary {
  threadId: string;
  subject: string;
  last: StoredMessage;
  count: number;
}

export interface ComposePrefill {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  replyId: string | null;
}

/** Gmail clips bodies over about 102 KB behind "View entire message" (view=lg). */
export const CLIP_CHARS = 102_400;

export function link(ctx: ViewContext, path: string, params: Record<string, string> = {}): string {
  const q = new URLSearchParams(params);
  if (ctx.skinFromUrl) q.set('skin', ctx.skin);
  const s = q.toString();
  return `/u/${ctx.account.name}${path}${s ? `?${s}` : ''}`;
}

export function displayName(a: Address | null): string {
  if (!a) return '(unknown sender)';
  return a.name || a.address;
}

export function snippet(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 90);
}

const APP_NAMES: Record<Skin, string> = { gmail: 'Gmail', outlook: 'Outlook', plain: 'Webmail' };

export function page(
  ctx: ViewContext,
  view: string,
  title: string,
  body: Child,
  extra: Record<string, string> = {},
): string {
  const data: Record<string, string> = {
    'data-account': ctx.account.name,
    'data-address': ctx.account.address,
    'data-skin': ctx.skin,
    'data-view': view,
  };
  for (const [k, v] of Object.entries(extra)) data[`data-${k}`] = v;
  // JSON inside a non-executed script block: `<` escaped so no text can close the element.
  const directory = JSON.stringify(
    ctx.accounts.map((a) => ({ address: a.address, name: a.displayName })),
  ).replace(/</g, '\\u003c');
  const switcher = h(
    'nav',
    { class: 'wm-accounts', 'aria-label': 'Accounts' },
    ctx.accounts.map((a) =>
      h('a', { href: `/u/${a.name}/${ctx.skinFromUrl ? `?skin=${ctx.skin}` : ''}` }, a.name),
    ),
  );
  return `<!doctype html>${h(
    'html',
    { lang: 'en' },
    h(
      'head',
      null,
      h('meta', { charset: 'utf-8' }),
      h('meta', { name: 'application-name', content: APP_NAMES[ctx.skin] }),
      h('title', null, `${title} - ${ctx.account.address} - ${APP_NAMES[ctx.skin]}`),
      h('link', { rel: 'stylesheet', href: `/static/skin-${ctx.skin}.css` }),
    ),
    h(
      'body',
      data,
      switcher,
      body,
      h('script', { type: 'application/json', id: 'webmail-directory' }, new Html(directory)),
      h('script', { src: '/static/webmail.js' }),
    ),
  )}`;
}

export function clipped(text: string): { shown: string; clipped: boolean } {
  return text.length > CLIP_CHARS
    ? { shown: text.slice(0, CLIP_CHARS), clipped: true }
    : { shown: text, clipped: false };
}

export { fragment };
