// The hostile fixture page must really spy, or the security tests of docs/threat-model.md (the webmail page) would
// pass for the wrong reason. Each channel is shown to capture a canary here.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { startWebmail, type Webmail } from './server.ts';

declare global {
  interface Window {
    __hostile: { captured: { via: string; data: string }[]; scan(): void; overlays: number };
  }
}

let webmail: Webmail;
let browser: Browser;
let dataDir: string;
let page: Page;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'noise-webmail-hostile-'));
  [webmail, browser] = await Promise.all([startWebmail({ dataDir }), launchChromium()]);
  page = await browser.newPage();
  await page.goto(`${webmail.url}/hostile?message=${encodeURIComponent('-----BEGIN PGP MESSAGE-----')}`);
});
afterAll(async () => {
  await browser?.close();
  await webmail?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function capturedVia(via: string, canary: string): Promise<boolean> {
  return page.evaluate(
    ([v, c]) => {
      window.__hostile.scan();
      return window.__hostile.captured.some((e) => e.via === v && e.data.includes(c!));
    },
    [via, canary],
  );
}

async function eventually(probe: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

it('captures DOM text, attributes, form values and open shadow roots', async () => {
  await page.evaluate(() => {
    const host = document.createElement('div');
    host.setAttribute('data-secret', 'CANARY-ATTR');
    host.attachShadow({ mode: 'open' }).append('CANARY-SHADOW');
    document.body.append(host);
    (document.querySelector('textarea') as HTMLTextAreaElement).value = 'CANARY-VALUE';
  });
  for (const canary of ['CANARY-ATTR', 'CANARY-SHADOW', 'CANARY-VALUE', '-----BEGIN PGP MESSAGE-----']) {
    expect(await eventually(() => capturedVia('dom', canary))).toBe(true);
  }
});

it('captures every message event and keystrokes', async () => {
  await page.evaluate(() => window.postMessage({ plaintext: 'CANARY-MESSAGE' }, '*'));
  expect(await eventually(() => capturedVia('message', 'CANARY-MESSAGE'))).toBe(true);
  await page.locator('textarea').click();
  await page.keyboard.type('Qz');
  expect(await capturedVia('key', 'Q')).toBe(true);
  expect(await capturedVia('input', 'Qz')).toBe(true);
});

it('reads same-origin frames, is refused by cross-origin ones and covers them with a look-alike', async () => {
  const crossOrigin = webmail.url.replace('127.0.0.1', 'localhost');
  await page.evaluate((other) => {
    const same = document.createElement('iframe');
    same.srcdoc = '<p>CANARY-FRAME</p>';
    const foreign = document.createElement('iframe');
    foreign.src = `${other}/`;
    document.body.append(same, foreign);
  }, crossOrigin);
  expect(await eventually(() => capturedVia('frame-document', 'CANARY-FRAME'))).toBe(true);
  expect(await eventually(() => capturedVia('frame-blocked', 'SecurityError'))).toBe(true);
  expect(await page.evaluate(() => window.__hostile.overlays)).toBe(1);
  const overlay = page.locator('[data-hostile="overlay"] input[type="password"]');
  await overlay.fill('CANARY-PASSPHRASE');
  expect(await capturedVia('overlay', 'CANARY-PASSPHRASE')).toBe(true);
});
