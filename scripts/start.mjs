// `npm start`: the whole product locally.
//   1. applies the D1 migrations to the local database (.wrangler/state),
//   2. runs the Worker on workerd (`wrangler dev`) at http://127.0.0.1:8787,
//   3. runs the demo webmail (e2e/webmail) at http://127.0.0.1:8790 when present, delivers
//      the Worker's mail for its accounts (the verification code) into their inboxes, and posts
//      the mail its accounts send to inboxes on the service domain (alice@noise.localhost) to the
//      Worker's local email endpoint, as Email Routing would,
//   4. builds the extension in watch mode (WXT dev server) into .output/chrome-mv3-dev,
//   5. opens Chromium with the extension loaded when a display exists; otherwise prints
//      the URLs and how to load the unpacked extension.
// Ctrl+C stops everything.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createInboundMailBridge, createLocalMailBridge } from './local-mail.mjs';
import { root, wrangler } from './wrangler.mjs';

const WORKER_PORT = Number(process.env.NOISE_WORKER_PORT ?? 8787);
const WEBMAIL_PORT = Number(process.env.NOISE_WEBMAIL_PORT ?? 8790);
const children = [];
let stopping = false;

function stopAll(code = 0) {
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
  setTimeout(() => process.exit(code), 300);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function track(name, child) {
  children.push(child);
  child.on('exit', (code, signal) => {
    // Ctrl+C reaches the children too (same process group): a child that ends on SIGINT or
    // SIGTERM, by the signal or by exiting 130/143 from its handler, is stopping, not failing.
    const stopped = ['SIGINT', 'SIGTERM'].includes(signal) || code === 130 || code === 143;
    if (!stopping && !stopped) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping.`);
      stopAll(typeof code === 'number' && code !== 0 ? code : 1);
    }
  });
  return child;
}

async function waitFor(url, label) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${label} did not come up at ${url}`);
}

console.log('[start] applying D1 migrations (local)…');
const migrate = wrangler(['d1', 'migrations', 'apply', 'DB', '--local'], { stdio: 'inherit' });
const migrated = await new Promise((resolve) => migrate.on('exit', resolve));
if (migrated !== 0) process.exit(migrated ?? 1);

const worker = track(
  'worker',
  wrangler(
    // A development Worker (as in wrangler.toml's local [vars]): the transparency log falls back
    // to its development keys; verification links point at this port (SERVICE_URL).
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(WORKER_PORT),
      '--show-interactive-dev-session=false',
      '--var',
      'ENVIRONMENT:development',
      '--var',
      `SERVICE_URL:http://127.0.0.1:${WORKER_PORT}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  ),
);

const webmailEntry = join(root, 'e2e/webmail/server.ts');
const hasWebmail = existsSync(webmailEntry);
if (hasWebmail) {
  track(
    'webmail',
    spawn(
      join(root, 'node_modules/.bin/tsx'),
      [webmailEntry, '--port', String(WEBMAIL_PORT), '--data', join(root, '.wrangler/webmail')],
      { cwd: root, stdio: 'inherit' },
    ),
  );
}

track(
  'extension',
  spawn(join(root, 'node_modules/.bin/wxt'), ['-b', 'chrome', '--host', '127.0.0.1'], {
    cwd: root,
    stdio: 'inherit',
  }),
);

const webmailUrl = `http://127.0.0.1:${WEBMAIL_PORT}/`;
// wrangler's output is passed through; the .eml files it logs go to the demo webmail.
const SERVICE_DOMAIN = process.env.NOISE_SERVICE_DOMAIN ?? 'noise.localhost';
const bridge = hasWebmail
  ? createLocalMailBridge(webmailUrl, {
      workerUrl: `http://127.0.0.1:${WORKER_PORT}`,
      serviceDomain: SERVICE_DOMAIN,
    })
  : null;
createInterface({ input: worker.stdout }).on('line', (line) => {
  console.log(line);
  bridge?.(line)
    .then((reached) => {
      for (const name of reached)
        console.log(
          name.includes('@')
            ? `[start] relayed mail delivered to ${name}`
            : `[start] mail delivered to ${name}'s demo inbox`,
        );
    })
    .catch((e) => console.error(`[start] could not deliver local mail: ${e.message}`));
});

await waitFor(`http://127.0.0.1:${WORKER_PORT}/health`, 'the Worker');
const extensionDir = join(root, '.output/chrome-mv3-dev');
if (hasWebmail) await waitFor(webmailUrl, 'the demo webmail');

if (hasWebmail) {
  const inbound = createInboundMailBridge({
    webmailUrl,
    workerUrl: `http://127.0.0.1:${WORKER_PORT}`,
    serviceDomain: SERVICE_DOMAIN,
  });
  const pollInbound = async () => {
    try {
      for (const r of await inbound())
        console.log(`[start] inbound mail for ${r.to}: ${r.status || ''} ${r.note}`);
    } catch (e) {
      console.error(`[start] could not post inbound mail: ${e.message}`);
    }
    setTimeout(pollInbound, 1000);
  };
  pollInbound();
}

console.log(`
Noise Email is running:
  Worker (directory, accounts):  http://127.0.0.1:${WORKER_PORT}
  ${hasWebmail ? `Demo webmail:                  ${webmailUrl}` : 'Demo webmail:                  (not part of this build yet)'}
  Extension (watch build):       ${extensionDir}
Load the extension by hand: chrome://extensions → Developer mode → "Load unpacked" → ${extensionDir}
Firefox: about:debugging#/runtime/this-firefox → "Load Temporary Add-on…" → .output/firefox-mv3-dev/manifest.json (after \`npm run build:dev\`).
${
  hasWebmail
    ? `
Try it: in the extension's setup page, use server http://127.0.0.1:${WORKER_PORT} and the address
alice@webmail.localhost; the verification code arrives in ${webmailUrl}u/alice/. Do the same as
bob@webmail.localhost in a second browser profile, then write from Alice to Bob with Encrypt.
Registered inbox: sign up as alice@${SERVICE_DOMAIN} (no code needed), then, as dave in
${webmailUrl}u/dave/ (no extension), write to alice@${SERVICE_DOMAIN}: the mail reaches the
Worker as Email Routing would deliver it and is stored sealed to Alice's key.`
    : ''
}`);

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) =>
  existsSync(p),
);
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
if (hasDisplay && chromium && !process.env.NOISE_NO_BROWSER) {
  // Wait until WXT has written the manifest before pointing the browser at it.
  const manifest = join(extensionDir, 'manifest.json');
  const deadline = Date.now() + 60_000;
  while (!existsSync(manifest) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const profile = mkdtempSync(join(tmpdir(), 'noise-profile-'));
  console.log(`[start] opening ${chromium} with the extension (profile ${profile})`);
  track(
    'browser',
    spawn(
      chromium,
      [
        `--user-data-dir=${profile}`,
        `--disable-extensions-except=${extensionDir}`,
        `--load-extension=${extensionDir}`,
        '--no-first-run',
        '--no-default-browser-check',
        hasWebmail ? webmailUrl : `http://127.0.0.1:${WORKER_PORT}/health`,
      ],
      { stdio: 'ignore' },
    ),
  );
} else if (!hasDisplay) {
  console.log('[start] no display found: open the URLs above in a browser with the extension loaded.');
}
