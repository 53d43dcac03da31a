// The overlays end to end in real Firefox ESR (puppeteer-core, WebDriver BiDi): two profiles with
// real accounts on `wrangler dev`, the demo webmail and gpg. (1) alice writes in the Gmail-like
// skin (native envelope), bob reads in the Outlook-like skin with the sender's signature;
// (3) a gpg-made encrypted and signed mail decrypts with a valid verdict; the page never holds
// the plaintext canary.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { createGpgHome, type GpgHome } from '../interop/programs.ts';
import { startWebmail, type Webmail } from '../webmail/server.ts';
import {
  createFirefoxAccount,
  type FirefoxProfile,
  inOverlayFrame,
  launchFirefoxProfile,
  overlayText,
} from './firefox-profile.ts';

const shots = resolve(import.meta.dirname, '../../test-output/overlays');
mkdirSync(shots, { recursive: true });

const DOMAIN = 'example.org';
const ALICE = `alice@${DOMAIN}`;
const BOB = `bob@${DOMAIN}`;
const GPG_USER = `gpguser@${DOMAIN}`;

let worker: WorkerServer;
let webmail: Webmail;
let dataDir: string;
let alice: FirefoxProfile;
let bob: FirefoxProfile;
let gpg: GpgHome;

const pageText = (page: Page) =>
  page.evaluate(() => {
    const parts: string[] = [];
    const walk = (n: Node) => {
      if (n.nodeType === 3) parts.push(n.nodeValue ?? '');
      if (n.nodeType === 1) for (const a of (n as Element).attributes) parts.push(a.value);
      for (const c of n.childNodes) walk(c);
    };
    walk(document.documentElement);
    return parts.join('\n');
  });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'noise-webmail-ff-'));
  [worker, webmail] = await Promise.all([startWorker(), startWebmail({ dataDir, domain: DOMAIN })]);
  alice = await launchFirefoxProfile(ALICE);
  bob = await launchFirefoxProfile(BOB);
  await createFirefoxAccount(alice, worker);
  await createFirefoxAccount(bob, worker);
  gpg = createGpgHome();
  const made = await gpg.gpg(['--quick-generate-key', GPG_USER, 'ed25519', 'sign', 'never']);
  expect(made.code, made.stderr).toBe(0);
  const fpr = (await gpg.gpg(['--with-colons', '--list-keys', GPG_USER])).stdout
    .toString()
    .split('\n')
    .find((l) => l.startsWith('fpr:'))
    ?.split(':')[9];
  await gpg.gpg(['--quick-add-key', fpr ?? '', 'cv25519', 'encr', 'never']);
  const bobKey = (
    (await (await fetch(`${worker.url}/api/v1/lookup/by-email/${BOB}`)).json()) as { openpgpKey: string }
  ).openpgpKey;
  expect((await gpg.gpg(['--import'], { input: bobKey })).code).toBe(0);
  await bob.command('contacts.import', {
    armoredKey: (await gpg.gpg(['--armor', '--export', GPG_USER])).stdout.toString(),
  });
}, 240_000);

afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await gpg?.cleanup();
  await webmail?.stop();
  await worker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function deliverGpgMail(from: string, text: string, mangle: (armored: string) => string = (a) => a) {
  const enc = await gpg.gpg(
    ['--armor', '--local-user', GPG_USER, '--recipient', BOB, '--sign', '--encrypt'],
    {
      input: text,
    },
  );
  expect(enc.code, enc.stderr).toBe(0);
  const raw = [
    `From: ${from}`,
    `To: ${BOB}`,
    'Subject: gpg mail',
    `Message-ID: <ff-${Math.random().toString(36).slice(2)}@${DOMAIN}>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    mangle(enc.stdout.toString()).replace(/\n/g, '\r\n'),
  ].join('\r\n');
  const res = await fetch(`${webmail.url}/api/accounts/bob/mailboxes/inbox`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  return ((await res.json()) as { threadId: string }).threadId;
}

describe('overlays (Firefox)', () => {
  it('(5) tampered ciphertext shows the failure with no plaintext', async () => {
    const canary = `ff-tamper-${Math.random().toString(36).slice(2)}`;
    const thread = await deliverGpgMail(GPG_USER, `${canary}\n${'x'.repeat(400)}\n`, (armored) => {
      const lines = armored.split('\n');
      const i = Math.floor(lines.length / 2);
      const line = lines[i] ?? '';
      lines[i] = `${line.slice(0, 8)}${line[8] === 'A' ? 'B' : 'A'}${line.slice(9)}`;
      return lines.join('\n');
    });
    const page = await bob.open(`${webmail.url}/u/bob/t/${thread}?skin=outlook`);
    expect(await overlayText(bob.browser, 'read', '[data-testid=failure]')).toMatch(/altered|damaged/);
    expect(await inOverlayFrame(bob.browser, 'read', 'document.body.textContent')).not.toContain(canary);
    await page.close();
  });

  it('(4) a mail signed by someone other than its From shows the warning', async () => {
    const thread = await deliverGpgMail(`mallory@${DOMAIN}`, 'Please wire the money today.\n');
    const page = await bob.open(`${webmail.url}/u/bob/t/${thread}?skin=gmail`);
    const warning = await overlayText(bob.browser, 'read', '[data-testid=verdict-mismatch]');
    expect(warning).toContain(GPG_USER);
    expect(warning).toContain(`mallory@${DOMAIN}`);
    await page.screenshot({ path: join(shots, 'firefox-read-mismatch.png') });
    await page.close();
  });

  it('(3) a gpg-made encrypted and signed mail decrypts with a valid verdict', async () => {
    const canary = `ff-gpg-${Math.random().toString(36).slice(2)}`;
    const enc = await gpg.gpg(
      ['--armor', '--local-user', GPG_USER, '--recipient', BOB, '--sign', '--encrypt'],
      {
        input: `Hello Bob, ${canary}\n`,
      },
    );
    expect(enc.code, enc.stderr).toBe(0);
    const raw = [
      `From: ${GPG_USER}`,
      `To: ${BOB}`,
      'Subject: From gpg',
      `Message-ID: <ff-${Date.now()}@${DOMAIN}>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      enc.stdout.toString().replace(/\n/g, '\r\n'),
    ].join('\r\n');
    const res = await fetch(`${webmail.url}/api/accounts/bob/mailboxes/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: raw,
    });
    const { threadId } = (await res.json()) as { threadId: string };
    const page = await bob.open(`${webmail.url}/u/bob/t/${threadId}?skin=outlook`);
    expect(await overlayText(bob.browser, 'read', '[data-testid=plaintext]')).toContain(canary);
    expect(await overlayText(bob.browser, 'read', '[data-testid=verdict-signed]')).toContain(GPG_USER);
    expect(await pageText(page)).not.toContain(canary);
    await page.screenshot({ path: join(shots, 'firefox-read-gpg.png') });
    await page.close();
  });

  it('(1) alice writes in the Gmail-like skin (native envelope), bob reads in the Outlook-like skin, signed', async () => {
    const canary = `ff-native-${Math.random().toString(36).slice(2)}`;
    const page = await alice.open(`${webmail.url}/u/alice/compose?skin=gmail&to=${BOB}`);
    await page.waitForSelector('[data-noise-overlay=compose-button]', { timeout: 30_000 });
    await page.click('[data-noise-overlay=compose-button]');
    await overlayText(alice.browser, 'compose', `li[data-address="${BOB}"][data-key=native]`);
    // Typed into the frame's own fields through input events, then Ctrl+Enter on the form.
    await inOverlayFrame(
      alice.browser,
      'compose',
      `(() => {
        const set = (sel, v) => { const el = document.querySelector(sel); el.value = v; el.dispatchEvent(new Event('input', { bubbles: true })); };
        set('[data-testid=subject]', 'Secret plans');
        set('[data-testid=text]', ${JSON.stringify(`Hi Bob, ${canary}`)});
        return true;
      })()`,
    );
    await page.screenshot({ path: join(shots, 'firefox-compose-gmail.png') });
    await inOverlayFrame(
      alice.browser,
      'compose',
      `document.querySelector('[data-testid=text]').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }))`,
    );
    await overlayText(alice.browser, 'compose', '[data-testid=compose-done]');
    const model = (await page.evaluate(
      () =>
        (window as unknown as { __webmail: { model: { body: string; subject: string } } }).__webmail.model,
    )) as { body: string; subject: string };
    expect(model.body).toContain('-----BEGIN NOISE ENVELOPE-----');
    expect(model.subject).toBe('[...]');
    expect(await pageText(page)).not.toContain(canary);
    await Promise.all([page.waitForNavigation({ timeout: 30_000 }), page.click('[data-wm=send]')]);
    await page.close();

    const inbox = (await (await fetch(`${webmail.url}/api/accounts/bob/mailboxes/inbox`)).json()) as {
      threadId: string;
      subject: string;
    }[];
    const delivered = inbox.find((m) => m.subject === '[...]');
    expect(delivered).toBeTruthy();
    const read = await bob.open(`${webmail.url}/u/bob/t/${delivered?.threadId}?skin=outlook`);
    expect(await overlayText(bob.browser, 'read', '[data-testid=plaintext]')).toContain(canary);
    expect(await overlayText(bob.browser, 'read', '[data-testid=verdict-signed]')).toContain(ALICE);
    expect(
      await inOverlayFrame(
        bob.browser,
        'read',
        `document.querySelector('[data-testid=verdict-mismatch]') === null`,
      ),
    ).toBe(true);
    expect(await pageText(read)).not.toContain(canary);
    await read.screenshot({ path: join(shots, 'firefox-read-outlook.png') });
    await read.close();
  });

  it('the hostile page never obtains the plaintext of a message read on it', async () => {
    const canary = `ff-hostile-${Math.random().toString(36).slice(2)}`;
    const enc = await gpg.gpg(
      ['--armor', '--local-user', GPG_USER, '--recipient', BOB, '--sign', '--encrypt'],
      {
        input: `${canary}\n`,
      },
    );
    const page = await bob.open(
      `${webmail.url}/hostile?message=${encodeURIComponent(enc.stdout.toString())}`,
    );
    expect(await overlayText(bob.browser, 'read', '[data-testid=plaintext]')).toContain(canary);
    await new Promise((r) => setTimeout(r, 600));
    const seen = (await page.evaluate(() => {
      const h = (window as unknown as { __hostile: { scan(): void; captured: unknown[] } }).__hostile;
      h.scan();
      return JSON.stringify(h.captured);
    })) as string;
    for (const secret of [canary, 'PRIVATE KEY', 'keyPassphrase', 'signingSecret'])
      expect(seen).not.toContain(secret);
    await page.close();
  });
});
