// A Firefox ESR profile (puppeteer-core over WebDriver BiDi) with the built extension, for the
// overlay e2e. Extension pages follow TOOLCHAIN.md: a fixed add-on UUID, navigation started
// without awaiting (BiDi drops extension-page events), then polled.

import { randomUUID } from 'node:crypto';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { GECKO_ID } from '../../wxt.config.ts';
import { extensionDir } from '../browsers/launch.ts';
import type { WorkerServer } from '../harness/worker.ts';
import { PASSPHRASE, verificationCode } from './profiles.ts';

export interface FirefoxProfile {
  address: string;
  browser: Browser;
  command<T = unknown>(cmd: string, args: Record<string, unknown>): Promise<T>;
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

async function poll<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function launchFirefoxProfile(address: string): Promise<FirefoxProfile> {
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    args: ['--remote-allow-system-access'],
    env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' },
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
      'app.update.enabled': false,
      'toolkit.telemetry.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
    },
  });
  await browser.installExtension(extensionDir('firefox'));
  const base = `moz-extension://${uuid}/`;
  let extPage: Page | null = null;
  return {
    address,
    browser,
    async command<T>(cmd: string, args: Record<string, unknown>): Promise<T> {
      if (!extPage) {
        const page = await browser.newPage();
        page.goto(`${base}popup.html`).catch(() => {});
        await poll(
          () =>
            page
              .evaluate(() => (location.href.startsWith('moz-extension:') ? document.readyState : ''))
              .then((s) => (s === 'complete' ? true : undefined)),
          'popup.html',
        );
        extPage = page;
      }
      const reply = (await extPage.evaluate(
        (c: string, a: Record<string, unknown>) =>
          (
            globalThis as unknown as { browser: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
          ).browser.runtime.sendMessage({ cmd: c, args: a }),
        cmd,
        args,
      )) as { ok: boolean; value?: T; error?: { code: string; message: string } };
      if (!reply?.ok) throw new Error(`${cmd}: ${reply?.error?.code} ${reply?.error?.message}`);
      return reply.value as T;
    },
    async open(url: string) {
      const page = await browser.newPage();
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      return page;
    },
    close: () => browser.close(),
  };
}

export async function createFirefoxAccount(profile: FirefoxProfile, worker: WorkerServer): Promise<void> {
  await profile.command('account.sendCode', { serverUrl: worker.url, address: profile.address });
  const code = await verificationCode(worker.log, profile.address);
  await profile.command('account.create', {
    serverUrl: worker.url,
    address: profile.address,
    code,
    passphrase: PASSPHRASE,
  });
}

interface BidiContext {
  context: string;
  url: string;
  children: BidiContext[] | null;
}

interface BidiConnection {
  send(method: string, params: unknown): Promise<{ result: unknown }>;
}

/**
 * Evaluates `expression` inside our overlay frame of the given kind. Firefox's BiDi does not
 * list moz-extension subframes in page.frames(), so this walks browsingContext.getTree and runs
 * script.evaluate in the frame's own context (allowed by --remote-allow-system-access).
 */
export async function inOverlayFrame(
  browser: Browser,
  kind: 'read' | 'compose',
  expression: string,
): Promise<unknown> {
  const connection = (browser as unknown as { connection: BidiConnection }).connection;
  const { result } = await connection.send('browsingContext.getTree', {});
  const found: BidiContext[] = [];
  const walk = (list: BidiContext[] | null) => {
    for (const c of list ?? []) {
      if (c.url.includes(`/${kind}.html#`)) found.push(c);
      walk(c.children);
    }
  };
  walk((result as { contexts: BidiContext[] }).contexts);
  const last = found.at(-1);
  if (!last) return undefined;
  const out = await connection.send('script.evaluate', {
    expression,
    target: { context: last.context },
    awaitPromise: true,
  });
  const r = out.result as { type: string; result?: { type: string; value?: unknown } };
  return r.type === 'success' ? r.result?.value : undefined;
}

/** Polls until `selector` in the newest overlay frame of that kind has text; returns it. */
export function overlayText(
  browser: Browser,
  kind: 'read' | 'compose',
  selector: string,
  timeoutMs = 30_000,
): Promise<string> {
  const expr = `document.querySelector(${JSON.stringify(selector)})?.textContent ?? null`;
  return poll(
    async () => {
      const v = await inOverlayFrame(browser, kind, expr);
      return typeof v === 'string' ? v : undefined;
    },
    `${kind} frame showing ${selector}`,
    timeoutMs,
  );
}
