import { defineConfig } from 'wxt';
import { extensionPagesCsp, matchesForBuild, webmailMatches } from './extension/webmail-hosts.ts';

// Fixed Firefox add-on id: tests pin its moz-extension UUID to open its pages.
export const GECKO_ID = 'extension@noise.email';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  // Resolved from the project root, not srcDir: _locales lives beside the extension sources.
  publicDir: 'extension/public',
  manifestVersion: 3,
  webExt: { disabled: true },
  // Production builds (any mode but "development") match no local host (extension/webmail-hosts.ts).
  manifest: ({ mode }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['storage', 'alarms'],
    // The local `wrangler dev` Worker (it also answers extension origins with CORS) and
    // keys.openpgp.org for the optional key-server lookups; WKD servers must send CORS headers.
    host_permissions: ['http://127.0.0.1/*', 'http://localhost/*', 'https://keys.openpgp.org/*'],
    browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '128.0' } },
    // The overlay frames may be embedded only by the webmail hosts the content script runs on,
    // and only with those hosts as every ancestor (frame-ancestors in the pages' CSP).
    web_accessible_resources: [{ resources: ['read.html', 'compose.html'], matches: webmailMatches(mode) }],
    content_security_policy: { extension_pages: extensionPagesCsp(mode) },
  }),
  hooks: {
    // The content script declares every host (its options are read before the mode is known
    // to it); a production build drops the local ones here.
    'build:manifestGenerated': (wxt, manifest) => {
      for (const script of manifest.content_scripts ?? [])
        if (script.matches) script.matches = matchesForBuild(script.matches, wxt.config.mode);
    },
  },
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    // One script per extension page (shared code copied into each) instead of a graph of shared
    // chunks: the read frame loaded 5 scripts and 2 style sheets, each a request to the browser's
    // extension protocol handler; now 3 small scripts and 1 style sheet, about 15 ms sooner per
    // read (bench overlay, warm median). Only the ES module build (the pages) is touched: the
    // background and the content script are single-entry builds already.
    build: {
      rolldownOptions: {
        preserveEntrySignatures: false,
        // WXT's dev-mode HTML prerender rewrites each page without a source map, and rolldown
        // said so for every page on every rebuild of `npm start`. The scripts keep their maps;
        // only this one known warning is dropped.
        onwarn(warning: { code?: string; plugin?: string }, warn: (w: never) => void) {
          if (warning.code === 'SOURCEMAP_BROKEN' && warning.plugin === 'wxt:dev-html-prerender') return;
          warn(warning as never);
        },
      },
    },
    plugins: [
      {
        name: 'noise-one-script-per-page',
        outputOptions(output: { format?: string }) {
          if (output.format !== 'es') return null;
          return {
            ...output,
            codeSplitting: { experimentalInlineCommonChunks: { maxSize: Number.POSITIVE_INFINITY } },
          };
        },
      },
    ],
  }),
});
