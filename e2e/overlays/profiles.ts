// Browser profiles for the overlay e2e: real Chromium with the built extension, an account made
// through the background's own message API against the local Worker (verification code read
// from the .eml the Worker wrote), and helpers to reach the overlay frames inside web pages.
// The account and page-text helpers serve the Firefox profile too (firefox-profile.ts).
// Nothing here exists in the shipped extension.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { launchChromiumContext, type UiLanguage } from '../browsers/launch.ts';
import type { WorkerServer } from '../harness/worker.ts';

export const PASSPHRASE = 'correct horse battery staple orbit lantern';

/** What account set-up needs of a profile in either browser. */
export interface AccountProfile {
  address: string;
  /** Calls the background's typed message API from one of our own extension pages. */
  command<T = unknown>(cmd: string, args: Record<string, unknown>): Promise<T>;
}

export type Reply<T> = { ok: boolean; value?: T; error?: { code: string; message: string } } | undefined;

/** The value of a background reply ({ ok, value } or { ok: false, error }), or the error thrown. */
export function replyValue<T>(cmd: string, reply: Reply<T>): T {
  if (!reply?.ok) throw new Error(`${cmd}: ${reply?.error?.code} ${reply?.error?.message}`);
  return reply.value as T;
}

export interface Profile extends AccountProfile {
  ctx: BrowserContext;
  base: string;
  open(url: string, timeoutMs?: number): Promise<Page>;
  close(): Promise<void>;
}

/** A Chromium profile for `address`; `lang` 'de' makes it the German run (extension in German). */
export async function launchProfile(address: string, lang: UiLanguage = 'en'): Promise<Profile> {
  const dir = mkdtempSync(join(tmpdir(), 'noise-overlay-'));
  const { ctx, base } = await launchChromiumContext(dir, { width: 1100, height: 900 }, lang);
  let extPage: Page | null = null;
  return {
    address,
    ctx,
    base,
    async command<T>(cmd: string, args: Record<string, unknown>): Promise<T> {
      if (!extPage) {
        extPage = await ctx.newPage();
        await extPage.goto(`${base}popup.html`);
      }
      const reply = await extPage.evaluate(
        ([c, a]) =>
          (
            globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
          ).chrome.runtime.sendMessage({ cmd: c, args: a }),
        [cmd, args] as const,
      );
      return replyValue(cmd, reply as Reply<T>);
    },
    async open(url: string, timeoutMs = 30_000) {
      const page = await ctx.newPage();
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
      return page;
    },
    async close() {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The six-digit code in the verification mail the Worker wrote for `to` (wrangler logs its path). */
export async function verificationCode(log: string[], to: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of log) {
      for (const path of line.match(/\/\S+\.eml/g) ?? []) {
        if (!existsSync(path)) continue;
        const eml = readFileSync(path, 'utf8');
        const split = eml.indexOf('\r\n\r\n') >= 0 ? eml.indexOf('\r\n\r\n') : eml.indexOf('\n\n');
        if (!eml.slice(0, split).toLowerCase().includes(`<${to.toLowerCase()}>`)) continue;
        const code = /\b(\d{6})\b/.exec(eml.slice(split))?.[1];
        if (code) return code;
      }
    }
    if (Date.now() > deadline) throw new Error(`no verification mail to ${to}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A real account: code mailed by the Worker, keys made and published by the background. */
export async function createAccount(profile: AccountProfile, worker: WorkerServer): Promise<void> {
  await profile.command('account.sendCode', { serverUrl: worker.url, address: profile.address });
  const code = await verificationCode(worker.log, profile.address);
  await profile.command('account.create', {
    serverUrl: worker.url,
    address: profile.address,
    code,
    passphrase: PASSPHRASE,
  });
}

/** The overlay frame of the given kind inside a page, once it has rendered `selector`. */
export async function overlayFrame(
  page: Page,
  kind: 'read' | 'compose',
  selector: string,
  timeoutMs = 30_000,
): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if (!f.url().includes(`/${kind}.html#`)) continue;
      if (await f.$(selector).catch(() => null)) return f;
    }
    if (Date.now() > deadline) throw new Error(`no ${kind} frame showing ${selector}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Everything a page script can read: DOM text and attributes, form values. Runs in the page. */
export function collectPageText(): string {
  const parts: string[] = [];
  const walk = (n: Node) => {
    if (n.nodeType === 3) parts.push(n.nodeValue ?? '');
    if (n.nodeType === 1) {
      const el = n as Element;
      for (const a of el.attributes) parts.push(a.value);
      if ('value' in el && typeof (el as HTMLInputElement).value === 'string')
        parts.push((el as HTMLInputElement).value);
    }
    for (const c of n.childNodes) walk(c);
  };
  walk(document.documentElement);
  return parts.join('\n');
}

/** collectPageText in a Playwright or Puppeteer page. */
export function pageVisibleText(page: { evaluate(fn: () => string): Promise<unknown> }): Promise<string> {
  return page.evaluate(collectPageText) as Promise<string>;
}
