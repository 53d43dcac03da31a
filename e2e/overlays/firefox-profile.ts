// A Firefox ESR profile (puppeteer-core over WebDriver BiDi) with the built extension, for the
// overlay e2e. Extension pages follow TOOLCHAIN.md (e2e/browsers/launch.ts). Firefox's BiDi does
// not list moz-extension subframes in page.frames(), so the overlay frames are reached through
// browsingContext.getTree and driven with script.evaluate and input.setFiles in their own context.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { launchFirefoxBrowser, openFirefoxExtensionPage, poll, type UiLanguage } from '../browsers/launch.ts';
import { type AccountProfile, type Reply, replyValue } from './profiles.ts';

type FrameKind = 'read' | 'compose';

export interface FirefoxProfile extends AccountProfile {
  browser: Browser;
  /** `moz-extension://<uuid>/`. */
  base: string;
  /** Where this profile's downloads land (no dialog). */
  downloads: string;
  open(url: string, timeoutMs?: number): Promise<Page>;
  /** Evaluates `expression` in the newest overlay frame of that kind; undefined when there is none or it threw. */
  inFrame(kind: FrameKind, expression: string): Promise<unknown>;
  /** The same in the frame at exactly `url` (a spare read frame's, say). */
  inFrameAt(url: string, expression: string): Promise<unknown>;
  /** Polls until `selector` in that frame has text; returns it. */
  frameText(kind: FrameKind, selector: string, timeoutMs?: number): Promise<string>;
  /** Polls until `expression` is true in that frame. */
  frameWait(kind: FrameKind, expression: string, what: string, timeoutMs?: number): Promise<void>;
  /** Sets the files of an <input type=file> in that frame, as a user picking them would. */
  frameSetFiles(kind: FrameKind, selector: string, paths: string[]): Promise<void>;
  close(): Promise<void>;
}

interface BidiContext {
  context: string;
  url: string;
  children: BidiContext[] | null;
}

interface BidiConnection {
  send(method: string, params: unknown): Promise<{ result: unknown }>;
}

type Evaluated =
  | { type: 'success'; result?: { type: string; value?: unknown; sharedId?: string } }
  | { type: 'exception' };

/** A Firefox profile for `address`; `lang` 'de' makes it the German run (extension in German). */
export async function launchFirefoxProfile(
  address: string,
  lang: UiLanguage = 'en',
): Promise<FirefoxProfile> {
  const downloads = mkdtempSync(join(tmpdir(), 'noise-ff-downloads-'));
  const { browser, base } = await launchFirefoxBrowser(
    {
      'browser.download.folderList': 2,
      'browser.download.dir': downloads,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.start_downloads_in_tmp_dir': false,
    },
    lang,
  );
  const connection = (browser as unknown as { connection: BidiConnection }).connection;
  let extPage: Page | null = null;

  /** The newest frame of that kind, or at that URL (browsingContext.getTree walks every subframe). */
  async function frameContext(kind: FrameKind | { url: string }): Promise<string | undefined> {
    const { result } = await connection.send('browsingContext.getTree', {});
    const found: BidiContext[] = [];
    const wanted = (url: string) =>
      typeof kind === 'string' ? url.includes(`/${kind}.html#`) : url === kind.url;
    const walk = (list: BidiContext[] | null) => {
      for (const c of list ?? []) {
        if (wanted(c.url)) found.push(c);
        walk(c.children);
      }
    };
    walk((result as { contexts: BidiContext[] }).contexts);
    // A spare read frame not given a block yet (an empty page, made a few seconds after each
    // scan) is not "the newest read frame" a test means.
    for (const c of found.reverse()) {
      if (typeof kind !== 'string' || !c.url.includes('#spare.')) return c.context;
      const r = await evaluate(c.context, `document.getElementById('app')?.childElementCount > 0`);
      if (r.type === 'success' && r.result?.value === true) return c.context;
    }
    return undefined;
  }

  // script.evaluate in the frame's own context (allowed by --remote-allow-system-access).
  async function evaluate(context: string, expression: string): Promise<Evaluated> {
    const out = await connection.send('script.evaluate', {
      expression,
      target: { context },
      awaitPromise: true,
    });
    return out.result as Evaluated;
  }

  /** The expression's value in that context; undefined when there is none or it threw. */
  async function valueIn(context: string | undefined, expression: string): Promise<unknown> {
    if (!context) return undefined;
    const r = await evaluate(context, expression);
    if (r.type !== 'success') return undefined;
    return r.result?.type === 'null' ? null : r.result?.value;
  }

  const self: FirefoxProfile = {
    address,
    browser,
    base,
    downloads,
    async command<T>(cmd: string, args: Record<string, unknown>): Promise<T> {
      extPage ??= await openFirefoxExtensionPage(browser, `${base}popup.html`);
      const reply = await extPage.evaluate(
        (c: string, a: Record<string, unknown>) =>
          (
            globalThis as unknown as { browser: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
          ).browser.runtime.sendMessage({ cmd: c, args: a }),
        cmd,
        args,
      );
      return replyValue(cmd, reply as Reply<T>);
    },
    async open(url, timeoutMs = 30_000) {
      const page = await browser.newPage();
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
      return page;
    },
    inFrame: async (kind, expression) => valueIn(await frameContext(kind), expression),
    inFrameAt: async (url, expression) => valueIn(await frameContext({ url }), expression),
    frameText(kind, selector, timeoutMs = 30_000) {
      const expr = `document.querySelector(${JSON.stringify(selector)})?.textContent ?? null`;
      return poll(
        async () => {
          const v = await self.inFrame(kind, expr);
          return typeof v === 'string' ? v : undefined;
        },
        `${kind} frame showing ${selector}`,
        timeoutMs,
      );
    },
    async frameWait(kind, expression, what, timeoutMs = 30_000) {
      await poll(
        async () => ((await self.inFrame(kind, `Boolean(${expression})`)) === true ? true : undefined),
        `${kind} frame: ${what}`,
        timeoutMs,
        50,
      );
    },
    async frameSetFiles(kind, selector, paths) {
      const context = await frameContext(kind);
      if (!context) throw new Error(`no ${kind} frame`);
      const r = await evaluate(context, `document.querySelector(${JSON.stringify(selector)})`);
      const sharedId = r.type === 'success' ? r.result?.sharedId : undefined;
      if (!sharedId) throw new Error(`no ${selector} in the ${kind} frame`);
      // WebDriver BiDi input.setFiles: fires input and change like a file picker.
      await connection.send('input.setFiles', { context, element: { sharedId }, files: paths });
    },
    async close() {
      await browser.close();
      rmSync(downloads, { recursive: true, force: true });
    },
  };
  return self;
}
