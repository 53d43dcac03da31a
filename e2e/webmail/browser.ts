// Headless Chromium for the demo webmail's browser tests (no extension: these test the pages and
// the adapters themselves). Same binary and flags as the extension tests (e2e/browsers/launch.ts).

import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../browsers/launch.ts';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
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
