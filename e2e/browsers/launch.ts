// Launches real Chromium (playwright-core) and real Firefox ESR (puppeteer-core, WebDriver BiDi)
// with the built extension in a fresh profile, and opens the extension's own pages in both
// through one small driver interface. Launch options follow the handbook (TOOLCHAIN.md "Browsers").

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page as PwPage } from 'playwright-core';
import puppeteer, { type Browser as PpBrowser, type Page as PpPage } from 'puppeteer-core';
import { GECKO_ID } from '../../wxt.config.ts';

export type BrowserName = 'chromium' | 'firefox';
export const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

const root = resolve(import.meta.dirname, '../..');
/** Development builds (`npm run build:dev`): production builds do not run on the local demo webmail. */
export const extensionDir = (name: BrowserName): string =>
  join(root, '.output', name === 'chromium' ? 'chrome-mv3-dev' : 'firefox-mv3-dev');

/** One extension page in either browser. Selectors are CSS. */
export interface ExtensionPage {
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Evaluates a script text through the driver (not subject to the page's CSP, unlike eval). */
  runScript(source: string): Promise<void>;
  click(selector: string): Promise<void>;
  /** Replaces the control's value by typing, so the page sees real input events. */
  fill(selector: string, text: string): Promise<void>;
  /**
   * Sets files on an `<input type=file>` as a user's file choice would (the page sees `change`):
   * Chromium through CDP DOM.setFileInputFiles (Playwright setInputFiles), Firefox through
   * WebDriver BiDi input.setFiles (Puppeteer uploadFile). Paths are absolute, on this machine.
   */
  setFiles(selector: string, paths: string[]): Promise<void>;
  /** Polls until `selector` matches a visible element; returns its text. */
  waitFor(selector: string, timeoutMs?: number): Promise<string>;
  text(selector: string): Promise<string>;
  /** The whole page, or with `viewportOnly` what the viewport shows (a fixed size). */
  screenshot(path: string, viewportOnly?: boolean): Promise<void>;
  setViewport(width: number, height: number): Promise<void>;
  close(): Promise<void>;
}

export interface ExtensionBrowser {
  name: BrowserName;
  /** `chrome-extension://<id>/` or `moz-extension://<uuid>/`. */
  base: string;
  open(path: string): Promise<ExtensionPage>;
  close(): Promise<void>;
}

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The fonts every e2e browser sees: the system's, less any emoji or colour font (a stock Debian
 * has none), so what the extension draws cannot lean on one (the security mark's pictures are SVG).
 */
export const NO_EMOJI_FONTS = { FONTCONFIG_FILE: join(import.meta.dirname, 'no-emoji-fonts.conf') };

/** The languages the e2e run the extension in: English, and German once (the German run). */
export type UiLanguage = 'en' | 'de';

/** Headless Chromium flags (TOOLCHAIN.md "Browsers"): no network beyond 127.0.0.1/localhost. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--no-default-browser-check',
  // 127.0.0.2 is a second loopback site, for tests that need one off the extension's host lists.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE 127.0.0.2, EXCLUDE localhost',
];

/** Polls `probe` until it gives a value; errors count as "not yet" (the page may be navigating). */
export async function poll<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function visibleText(selector: string): string | undefined {
  const el = document.querySelector(selector) as HTMLElement | null;
  if (!el) return undefined;
  const r = el.getBoundingClientRect();
  return r.width > 0 || r.height > 0 ? (el.textContent ?? '') : undefined;
}

function driverFor(page: PwPage | PpPage, close: () => Promise<void>): ExtensionPage {
  const p = page as PwPage & PpPage;
  const self: ExtensionPage = {
    evaluate: (fn, arg) => (p.evaluate as (f: unknown, a: unknown) => Promise<never>)(fn, arg),
    async runScript(source) {
      await (p.evaluate as (s: string) => Promise<unknown>)(`${source}\n;undefined`);
    },
    async click(selector) {
      await self.waitFor(selector);
      // A button re-enables on the page's next render after typing: wait for it, then click.
      await poll(
        () =>
          (p.evaluate as (f: unknown, a: unknown) => Promise<boolean>)(
            (s: string) => !(document.querySelector(s) as HTMLButtonElement | null)?.disabled,
            selector,
          ).then((enabled) => (enabled ? true : undefined)),
        `${selector} to be enabled`,
        30_000,
      );
      await p.click(selector);
    },
    async fill(selector, text) {
      await self.waitFor(selector);
      await p.evaluate((s: string) => {
        const el = document.querySelector(s) as HTMLInputElement;
        el.focus();
        el.select?.();
      }, selector);
      if (text === '') await p.keyboard.press('Backspace');
      else await p.keyboard.type(text);
    },
    async setFiles(selector, paths) {
      await self.waitFor(selector);
      if ('setInputFiles' in page) return page.setInputFiles(selector, paths);
      const input = await (page as PpPage).$(selector);
      if (!input) throw new Error(`no ${selector}`);
      try {
        await (input as unknown as { uploadFile(...files: string[]): Promise<void> }).uploadFile(...paths);
      } finally {
        await input.dispose();
      }
    },
    waitFor: (selector, timeoutMs = 30_000) =>
      poll(
        () => (p.evaluate as (f: unknown, a: unknown) => Promise<string | undefined>)(visibleText, selector),
        selector,
        timeoutMs,
      ),
    text: (selector) =>
      (p.evaluate as (f: unknown, a: unknown) => Promise<string | undefined>)(visibleText, selector).then(
        (t) => t ?? '',
      ),
    async screenshot(path, viewportOnly = false) {
      await p.screenshot({ path, fullPage: !viewportOnly } as never);
    },
    async setViewport(width, height) {
      if ('setViewportSize' in page) await page.setViewportSize({ width, height });
      else await (page as PpPage).setViewport({ width, height });
    },
    close,
  };
  return self;
}

/** Chromium with the built extension in `profileDir`; `base` is its chrome-extension:// origin. */
export async function launchChromiumContext(
  profileDir: string,
  viewport?: { width: number; height: number },
  lang: UiLanguage = 'en',
): Promise<{ ctx: BrowserContext; base: string }> {
  const ext = extensionDir('chromium');
  const ctx = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...(viewport ? { viewport } : {}),
    env: { ...process.env, ...NO_EMOJI_FONTS },
    // --lang picks the extension's _locales like the browser's UI language does.
    args: [
      `--disable-extensions-except=${ext}`,
      `--load-extension=${ext}`,
      `--lang=${lang}`,
      ...CHROMIUM_ARGS,
    ],
  });
  const sw = ctx.serviceWorkers()[0] ?? (await ctx.waitForEvent('serviceworker'));
  return { ctx, base: `chrome-extension://${new URL(sw.url()).host}/` };
}

/** Firefox ESR with the built extension as a temporary add-on; `base` is its moz-extension:// origin. */
export async function launchFirefoxBrowser(
  prefs: Record<string, string | number | boolean> = {},
  lang: UiLanguage = 'en',
): Promise<{ browser: PpBrowser; base: string }> {
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    // Allows page.goto to moz-extension:// URLs (TOOLCHAIN.md, Firefox extension pages).
    args: ['--remote-allow-system-access'],
    env: { ...process.env, ...NO_EMOJI_FONTS, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' },
    extraPrefsFirefox: {
      // A fixed internal UUID makes moz-extension://<uuid>/ known in advance.
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
      'app.update.enabled': false,
      'toolkit.telemetry.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      // Firefox ships its own emoji font (Twemoji Mozilla) beside fontconfig's: off, as above.
      'gfx.bundled-fonts.activate': 0,
      // German needs Debian's language pack (firefox-esr-l10n-de, .ci/run installs it).
      'intl.locale.requested': lang === 'de' ? 'de' : 'en-US',
      ...prefs,
    },
  });
  await browser.installExtension(extensionDir('firefox'));
  return { browser, base: `moz-extension://${uuid}/` };
}

/** Opens one of the extension's own pages in Firefox, e.g. `moz-extension://…/popup.html`. */
export async function openFirefoxExtensionPage(browser: PpBrowser, url: string): Promise<PpPage> {
  const page = await browser.newPage();
  // BiDi drops extension-page events (bug 1755014): goto never resolves, so start the
  // navigation without awaiting it and poll the document instead.
  page.goto(url).catch(() => {});
  await poll(
    () =>
      page
        .evaluate(() => (location.href.startsWith('moz-extension:') ? document.readyState : ''))
        .then((s) => (s === 'complete' ? true : undefined)),
    `${url} to load`,
    20_000,
  );
  return page;
}

async function launchChromium(): Promise<ExtensionBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'noise-chromium-'));
  const { ctx, base } = await launchChromiumContext(profile);
  return {
    name: 'chromium',
    base,
    async open(path) {
      const page = await ctx.newPage();
      await page.goto(base + path);
      return driverFor(page, () => page.close());
    },
    async close() {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function launchFirefox(): Promise<ExtensionBrowser> {
  const { browser, base } = await launchFirefoxBrowser();
  return {
    name: 'firefox',
    base,
    async open(path) {
      const page = await openFirefoxExtensionPage(browser, base + path);
      return driverFor(page, () => page.close());
    },
    close: () => browser.close(),
  };
}

export function launchWithExtension(name: BrowserName): Promise<ExtensionBrowser> {
  return name === 'chromium' ? launchChromium() : launchFirefox();
}
