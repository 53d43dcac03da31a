// Headless Chromium for the demo webmail's browser tests (no extension: these test the pages and
// the adapters themselves). Flags per the handbook, TOOLCHAIN.md "Browsers".

import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--no-default-browser-check',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  });
}

/** extension/providers as one minified script defining `NoiseProviders`, as a content script would carry it. */
export async function adapterBundle(): Promise<string> {
  const out = await build({
    entryPoints: [new URL('../../extension/providers/index.ts', import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'NoiseProviders',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    // Evaluated scripts may run in a function scope: publish the global explicitly.
    footer: { js: 'globalThis.NoiseProviders = NoiseProviders;' },
  });
  return out.outputFiles[0]!.text;
}
