// Who may embed the overlay frames (docs/threat-model.md, the webmail page), in real Chromium and Firefox with the built
// extension:
// web_accessible_resources lets only the webmail hosts load read.html and compose.html, and the
// pages' CSP frame-ancestors refuses them when any ancestor is another site, which is what stops
// a listed webmail page that is itself framed by an attacker from passing our frames on.
// 127.0.0.2 stands in for "another site": a loopback address that is on neither list.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumContext, launchFirefoxBrowser } from '../browsers/launch.ts';

const OTHER_SITE = '127.0.0.2';

let server: Server;
let port = 0;
let ctx: BrowserContext;
let profile = '';
let base = '';
let firefox: Browser;
let firefoxBase = '';

/** A page that frames `src` (any URL), named so the test can find the frame. */
function framing(src: string): string {
  return `<!doctype html><title>framing</title><iframe name="inner" src="${src}" width="600" height="400"></iframe>`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(framing(url.searchParams.get('src') ?? 'about:blank'));
  });
  // Every loopback address: the same server answers as 127.0.0.1 (listed) and 127.0.0.2 (not).
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  port = (server.address() as AddressInfo).port;
  profile = mkdtempSync(join(tmpdir(), 'noise-frames-'));
  [{ ctx, base }, { browser: firefox, base: firefoxBase }] = await Promise.all([
    launchChromiumContext(profile),
    launchFirefoxBrowser(),
  ]);
});

afterAll(async () => {
  await ctx?.close();
  await firefox?.close();
  await new Promise((r) => server?.close(r));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Whether the extension page ended up running in the innermost frame of `page`. */
async function extensionFrameLoaded(page: Page): Promise<boolean> {
  await page.waitForLoadState('load');
  // Let a blocked navigation settle on its error page.
  await page.waitForTimeout(300);
  for (const f of page.frames()) {
    if (!f.url().startsWith(base)) continue;
    try {
      return (
        await f.evaluate(() => location.origin + document.querySelectorAll('script').length)
      ).startsWith('chrome-extension://');
    } catch {
      return false;
    }
  }
  return false;
}

async function open(url: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(url);
  return page;
}

/** The three embeddings of an extension page: by a listed host, by another site, nested. */
function embeddings(page: string) {
  const by = (host: string, src: string) => `http://${host}:${port}/?src=${encodeURIComponent(src)}`;
  return {
    listed: by('127.0.0.1', page),
    other: by(OTHER_SITE, page),
    nested: by(OTHER_SITE, by('127.0.0.1', page)),
  };
}

describe('overlay frame embedding (Chromium)', () => {
  for (const file of ['read.html', 'compose.html']) {
    it(`${file}: a listed webmail host may frame it`, async () => {
      const page = await open(embeddings(`${base}${file}`).listed);
      expect(await extensionFrameLoaded(page)).toBe(true);
      await page.close();
    });

    it(`${file}: another site may not frame it (web_accessible_resources)`, async () => {
      const page = await open(embeddings(`${base}${file}`).other);
      expect(await extensionFrameLoaded(page)).toBe(false);
      await page.close();
    });

    it(`${file}: a listed host framed by another site may not pass it on (frame-ancestors)`, async () => {
      const page = await open(embeddings(`${base}${file}`).nested);
      // The listed page did load inside the other site; only our frame inside it is refused.
      expect(page.frames().some((f) => f.url().startsWith(`http://127.0.0.1:${port}/`))).toBe(true);
      expect(await extensionFrameLoaded(page)).toBe(false);
      await page.close();
    });
  }
});

interface BidiContext {
  context: string;
  url: string;
  children: BidiContext[] | null;
}

/**
 * Whether a moz-extension document with our page's #app root runs in the tab at `url`. BiDi
 * does not list moz-extension subframes in page.frames(), so this walks browsingContext.getTree.
 */
async function firefoxExtensionFrameLoaded(url: string): Promise<boolean> {
  const connection = (
    firefox as unknown as { connection: { send(m: string, p: object): Promise<{ result: unknown }> } }
  ).connection;
  const page = await firefox.newPage();
  await page.goto(url, { waitUntil: 'load' });
  await new Promise((r) => setTimeout(r, 800));
  const { result } = await connection.send('browsingContext.getTree', {});
  const contexts: BidiContext[] = [];
  const walk = (list: BidiContext[] | null) => {
    for (const c of list ?? []) {
      contexts.push(c);
      walk(c.children);
    }
  };
  // Only the tab under test: the onboarding tab the install opened has an #app root too.
  walk((result as { contexts: BidiContext[] }).contexts.filter((c) => c.url === url));
  let loaded = false;
  for (const c of contexts) {
    const out = await connection.send('script.evaluate', {
      expression: `location.protocol === 'moz-extension:' && document.getElementById('app') !== null`,
      target: { context: c.context },
      awaitPromise: false,
    });
    const r = out.result as { type: string; result?: { value?: unknown } };
    if (r.type === 'success' && r.result?.value === true) loaded = true;
  }
  await page.close();
  return loaded;
}

describe('overlay frame embedding (Firefox)', () => {
  for (const file of ['read.html', 'compose.html']) {
    it(`${file}: a listed host may frame it; another site, or a listed host inside another site, may not`, async () => {
      const e = embeddings(`${firefoxBase}${file}`);
      expect(await firefoxExtensionFrameLoaded(e.listed)).toBe(true);
      expect(await firefoxExtensionFrameLoaded(e.other)).toBe(false);
      expect(await firefoxExtensionFrameLoaded(e.nested)).toBe(false);
    });
  }
});
