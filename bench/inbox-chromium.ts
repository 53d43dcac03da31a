// Runs bench/inbox-client.ts measureInbox in headless Chromium: bundled by esbuild for the
// browser, loaded into a page on 127.0.0.1 (a secure context, so WebCrypto is there), handed the
// mail as base64. openpgp.js then runs its browser build, as it does in the extension.

import { createServer } from 'node:http';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browsers/launch.ts';
import type { InboxTimes } from './inbox-client.ts';

const ENTRY = `
import { measureInbox } from ${JSON.stringify(new URL('./inbox-client.ts', import.meta.url).pathname)};
window.__measureInbox = async (b64) => measureInbox(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));`;

export async function measureInboxInChromium(raw: Uint8Array): Promise<InboxTimes> {
  const bundled = await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    minify: true,
  });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>inbox bench</title>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.addScriptTag({ content: bundled.outputFiles[0]?.text ?? '' });
    return await page.evaluate(
      (b64) => (window as unknown as { __measureInbox(b: string): Promise<InboxTimes> }).__measureInbox(b64),
      Buffer.from(raw).toString('base64'),
    );
  } finally {
    await browser.close();
    server.close();
  }
}
