// The overlays end to end in real Chromium: two profiles (alice, bob) with real accounts on a
// local `wrangler dev` Worker, the demo webmail, and gpg 2.2. Scenarios from issue 5 §7:
// (1) alice writes in the Gmail-like skin (native envelope), bob reads in the Outlook-like skin
// with a valid signature; (3) a gpg-made encrypted and signed mail decrypts with a valid verdict;
// (5) tampered ciphertext shows the failure; (4) a signer other than From shows the warning.
// Every flow also checks that the page itself never holds the plaintext canary (§6).

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { createGpgHome, type GpgHome } from '../interop/programs.ts';
import { startWebmail, type Webmail } from '../webmail/server.ts';
import {
  createAccount,
  launchProfile,
  overlayFrame,
  PASSPHRASE,
  type Profile,
  pageVisibleText,
} from './profiles.ts';

const shots = resolve(import.meta.dirname, '../../test-output/overlays');
mkdirSync(shots, { recursive: true });

const DOMAIN = 'example.org';
const ALICE = `alice@${DOMAIN}`;
const BOB = `bob@${DOMAIN}`;
const GPG_USER = `gpguser@${DOMAIN}`;

let worker: WorkerServer;
let webmail: Webmail;
let dataDir: string;
let alice: Profile;
let bob: Profile;
let gpg: GpgHome;

async function bobPublicKey(): Promise<string> {
  const res = await fetch(`${worker.url}/api/v1/lookup/by-email/${BOB}`);
  return ((await res.json()) as { openpgpKey: string }).openpgpKey;
}

function eml(from: string, to: string, subject: string, body: string): string {
  const id = `<${Math.random().toString(36).slice(2)}@${DOMAIN}>`;
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: ${id}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body.replace(/\n/g, '\r\n'),
  ].join('\r\n');
}

async function deliver(account: string, raw: string): Promise<string> {
  const res = await fetch(`${webmail.url}/api/accounts/${account}/mailboxes/inbox`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { threadId: string }).threadId;
}

async function gpgEncryptedSigned(text: string, signer: string): Promise<string> {
  const out = await gpg.gpg(['--armor', '--local-user', signer, '--recipient', BOB, '--sign', '--encrypt'], {
    input: text,
  });
  expect(out.code, out.stderr).toBe(0);
  return out.stdout.toString();
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'noise-webmail-'));
  [worker, webmail] = await Promise.all([startWorker(), startWebmail({ dataDir, domain: DOMAIN })]);
  alice = await launchProfile(ALICE);
  bob = await launchProfile(BOB);
  await createAccount(alice, worker);
  await createAccount(bob, worker);
  gpg = createGpgHome();
  for (const uid of [GPG_USER, `mallory@${DOMAIN}`]) {
    const made = await gpg.gpg(['--quick-generate-key', uid, 'ed25519', 'sign', 'never']);
    expect(made.code, made.stderr).toBe(0);
    const fpr = (await gpg.gpg(['--with-colons', '--list-keys', uid])).stdout
      .toString()
      .split('\n')
      .find((l) => l.startsWith('fpr:'))
      ?.split(':')[9];
    await gpg.gpg(['--quick-add-key', fpr ?? '', 'cv25519', 'encr', 'never']);
  }
  const imported = await gpg.gpg(['--import'], { input: await bobPublicKey() });
  expect(imported.code, imported.stderr).toBe(0);
  // Bob knows the gpg user's key (a contact imported through the real API); not mallory's.
  const gpgUserKey = (await gpg.gpg(['--armor', '--export', GPG_USER])).stdout.toString();
  await bob.command('contacts.import', { armoredKey: gpgUserKey });
}, 240_000);

afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await gpg?.cleanup();
  await webmail?.stop();
  await worker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('read overlay (Chromium)', () => {
  it('(3) a gpg-made encrypted and signed mail decrypts with a valid verdict', async () => {
    const canary = `gpg-canary-${Math.random().toString(36).slice(2)}`;
    const armored = await gpgEncryptedSigned(`Hello Bob, ${canary}\n`, GPG_USER);
    const thread = await deliver('bob', eml(GPG_USER, BOB, 'From gpg', armored));
    const page = await bob.open(`${webmail.url}/u/bob/t/${thread}?skin=outlook`);
    const frame = await overlayFrame(page, 'read', '[data-testid=plaintext]');
    expect(await frame.textContent('[data-testid=plaintext]')).toContain(canary);
    expect(await frame.textContent('[data-testid=verdict-encrypted]')).toContain('Encrypted');
    expect(await frame.textContent('[data-testid=verdict-signed]')).toContain(GPG_USER);
    expect(await frame.$('[data-testid=verdict-mismatch]')).toBeNull();
    expect(await pageVisibleText(page)).not.toContain(canary);
    await page.screenshot({ path: join(shots, 'chromium-read-gpg.png'), fullPage: true });
    await page.close();
  });

  it('(5) tampered ciphertext shows the failure in red with no plaintext', async () => {
    const canary = `tamper-canary-${Math.random().toString(36).slice(2)}`;
    const armored = await gpgEncryptedSigned(`${canary}\n${'x'.repeat(400)}\n`, GPG_USER);
    const lines = armored.split('\n');
    const i = Math.floor(lines.length / 2);
    const line = lines[i] ?? '';
    lines[i] = `${line.slice(0, 8)}${line[8] === 'A' ? 'B' : 'A'}${line.slice(9)}`;
    const thread = await deliver('bob', eml(GPG_USER, BOB, 'Tampered', lines.join('\n')));
    const page = await bob.open(`${webmail.url}/u/bob/t/${thread}?skin=outlook`);
    const frame = await overlayFrame(page, 'read', '[data-testid=failure]');
    expect(['tampered', 'malformed']).toContain(
      await frame.getAttribute('[data-testid=failure]', 'data-code'),
    );
    expect(await frame.$('[data-testid=plaintext]')).toBeNull();
    expect(await frame.textContent('body')).not.toContain(canary);
    await page.screenshot({ path: join(shots, 'chromium-read-tampered.png'), fullPage: true });
    await page.close();
  });

  it('(4) a mail signed by someone other than its From shows the warning', async () => {
    const armored = await gpgEncryptedSigned('Please wire the money today.\n', GPG_USER);
    // Shown as from mallory, signed by the gpg user.
    const thread = await deliver('bob', eml(`mallory@${DOMAIN}`, BOB, 'Urgent', armored));
    const page = await bob.open(`${webmail.url}/u/bob/t/${thread}?skin=gmail`);
    const frame = await overlayFrame(page, 'read', '[data-testid=verdict-mismatch]');
    const warning = await frame.textContent('[data-testid=verdict-mismatch]');
    expect(warning).toContain(GPG_USER);
    expect(warning).toContain(`mallory@${DOMAIN}`);
    await page.screenshot({ path: join(shots, 'chromium-read-mismatch.png'), fullPage: true });
    await page.close();
  });
});

describe('compose overlay → read overlay (Chromium)', () => {
  it('(1) alice writes in the Gmail-like skin (native envelope), bob reads in the Outlook-like skin, signed', async () => {
    const canary = `native-canary-${Math.random().toString(36).slice(2)}`;
    const page = await alice.open(`${webmail.url}/u/alice/compose?skin=gmail&to=${BOB}`);
    await page.click('[data-noise-overlay=compose-button]', { timeout: 30_000 });
    const frame = await overlayFrame(page, 'compose', '[data-testid=compose]');
    await frame.waitForSelector(`li[data-address="${BOB}"][data-key=native]`, { timeout: 30_000 });
    expect(await frame.textContent('[data-testid=format]')).toContain('native');
    await frame.fill('[data-testid=subject]', 'Secret plans');
    await frame.fill('[data-testid=text]', `Hi Bob, ${canary}`);
    await page.screenshot({ path: join(shots, 'chromium-compose-gmail.png'), fullPage: true });
    await frame.press('[data-testid=text]', 'Control+Enter');
    await frame.waitForSelector('[data-testid=compose-done], [data-testid=compose-failure]', {
      timeout: 30_000,
    });
    const failure = await frame.$('[data-testid=compose-failure]');
    expect(failure ? await failure.innerText() : null).toBeNull();
    // The webmail's own model (what its Send reads) holds the armored envelope, not the DOM only.
    const model = await page.evaluate(
      () =>
        (window as unknown as { __webmail: { model: { body: string; subject: string } } }).__webmail.model,
    );
    expect(model.body).toContain('-----BEGIN NOISE ENVELOPE-----');
    expect(model.body).not.toContain(canary);
    for (const l of model.body.split('\n')) expect(l.length).toBeLessThanOrEqual(64);
    expect(model.subject).toBe('[...]');
    expect(await pageVisibleText(page)).not.toContain(canary);
    // Send reads the webmail's model; on success the webmail navigates to its inbox.
    await Promise.all([page.waitForURL(/sent=/, { timeout: 30_000 }), page.click('[data-wm=send]')]);
    await page.close();

    const inbox = (await (await fetch(`${webmail.url}/api/accounts/bob/mailboxes/inbox`)).json()) as {
      threadId: string;
      subject: string;
    }[];
    const delivered = inbox.find((m) => m.subject === '[...]');
    expect(delivered, JSON.stringify(inbox)).toBeTruthy();
    const read = await bob.open(`${webmail.url}/u/bob/t/${delivered?.threadId}?skin=outlook`);
    const rf = await overlayFrame(read, 'read', '[data-testid=plaintext]');
    expect(await rf.textContent('[data-testid=plaintext]')).toContain(canary);
    expect(await rf.textContent('[data-testid=subject]')).toBe('Secret plans');
    expect(await rf.textContent('[data-testid=verdict-encrypted]')).toContain('Noise envelope');
    expect(await rf.textContent('[data-testid=verdict-signed]')).toContain(ALICE);
    expect(await rf.$('[data-testid=verdict-mismatch]')).toBeNull();
    expect(await pageVisibleText(read)).not.toContain(canary);
    await read.screenshot({ path: join(shots, 'chromium-read-outlook.png'), fullPage: true });
    await read.close();
  });
});

describe('compose overlay warnings (Chromium)', () => {
  it('warns about text already typed into the webmail editor, and blocks recipients without a key', async () => {
    const page = await alice.open(`${webmail.url}/u/alice/compose?skin=gmail&to=nokey@${DOMAIN}`);
    await page.click('[aria-label="Message Body"]');
    await page.keyboard.type('a draft the webmail may have saved');
    await page.click('[data-noise-overlay=compose-button]', { timeout: 30_000 });
    const frame = await overlayFrame(page, 'compose', '[data-testid=draft-warning]');
    expect(await frame.textContent('[data-testid=draft-warning]')).toContain('draft');
    await frame.waitForSelector(`li[data-address="nokey@${DOMAIN}"][data-key=none]`);
    expect(await frame.textContent('[data-testid=missing-keys]')).toContain(`nokey@${DOMAIN}`);
    expect(await frame.isDisabled('[data-testid=encrypt]')).toBe(true);
    // Escape closes the overlay and gives the editor back. The press is not awaited: it would
    // wait on the very frame Escape removes; the detach below is what the test checks.
    void frame.press('[data-testid=text]', 'Escape').catch(() => undefined);
    await page.waitForSelector('iframe[data-noise-overlay=compose]', { state: 'detached' });
    await page.close();
  });
});

describe('compose overlay → gpg (Chromium)', () => {
  it('(2) alice writes to a gpg user; the .eml the webmail exports decrypts and verifies in gpg', async () => {
    const canary = `to-gpg-${Math.random().toString(36).slice(2)}`;
    const gpgUserKey = (await gpg.gpg(['--armor', '--export', GPG_USER])).stdout.toString();
    await alice.command('contacts.import', { armoredKey: gpgUserKey });
    const aliceKey = (await (await fetch(`${worker.url}/api/v1/lookup/by-email/${ALICE}`)).json()) as {
      openpgpKey: string;
    };
    expect((await gpg.gpg(['--import'], { input: aliceKey.openpgpKey })).code).toBe(0);

    const page = await alice.open(`${webmail.url}/u/alice/compose?skin=plain&to=${GPG_USER}`);
    await page.click('[data-noise-overlay=compose-button]', { timeout: 30_000 });
    const frame = await overlayFrame(page, 'compose', '[data-testid=compose]');
    await frame.waitForSelector(`li[data-address="${GPG_USER}"][data-key=pgp]`, { timeout: 30_000 });
    expect(await frame.textContent('[data-testid=format]')).toContain('OpenPGP');
    await frame.fill('[data-testid=subject]', 'For gpg');
    await frame.fill('[data-testid=text]', `Hello gpg, ${canary}`);
    await frame.press('[data-testid=text]', 'Control+Enter');
    await frame.waitForSelector('[data-testid=compose-done]', { timeout: 30_000 });
    const before = new Set((await (await fetch(`${webmail.url}/api/outbound`)).json()) as string[]);
    await Promise.all([page.waitForURL(/sent=/, { timeout: 30_000 }), page.click('[data-wm=send]')]);
    await page.close();

    const ids = ((await (await fetch(`${webmail.url}/api/outbound`)).json()) as string[]).filter(
      (id) => !before.has(id),
    );
    expect(ids).toHaveLength(1);
    const raw = new Uint8Array(
      await (await fetch(`${webmail.url}/api/outbound/${ids[0]}/raw`)).arrayBuffer(),
    );
    // As a mail client would: take the text body out of the .eml, then hand it to gpg.
    const mail = await PostalMime.parse(raw);
    expect(mail.subject).toBe('[...]');
    const out = await gpg.gpg(['--status-fd', '1', '--decrypt'], { input: mail.text ?? '' });
    const status = out.stdout.toString();
    expect(status, out.stderr).toContain('DECRYPTION_OKAY');
    expect(status).toContain('GOODSIG');
    expect(status).toContain(ALICE);
    const inner = await PostalMime.parse(out.stdout.toString().replace(/^\[GNUPG:\].*\n/gm, ''));
    expect(inner.subject).toBe('For gpg');
    expect(inner.text).toContain(canary);
  });
});

describe('attachments (Chromium)', () => {
  it('(6) a 10 MB attachment round-trips with the progress bar shown', async () => {
    const data = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
    const page = await alice.open(`${webmail.url}/u/alice/compose?skin=plain&to=${BOB}`);
    await page.click('[data-noise-overlay=compose-button]', { timeout: 30_000 });
    const frame = await overlayFrame(page, 'compose', '[data-testid=compose]');
    await frame.waitForSelector(`li[data-address="${BOB}"][data-key=native]`, { timeout: 30_000 });
    await frame.fill('[data-testid=subject]', 'Big file');
    await frame.fill('[data-testid=text]', 'The file is attached.');
    await frame.setInputFiles('[data-testid=files]', {
      name: 'big.bin',
      mimeType: 'application/octet-stream',
      buffer: data,
    });
    await frame.waitForSelector('[data-testid=encrypt]:not([disabled])', { timeout: 60_000 });
    await frame.press('[data-testid=text]', 'Control+Enter');
    await frame.waitForSelector('[data-testid=progress] progress', { timeout: 10_000 });
    await page.screenshot({ path: join(shots, 'chromium-compose-progress.png') });
    await frame.waitForSelector('[data-testid=compose-done], [data-testid=compose-failure]', {
      timeout: 120_000,
    });
    const failure = await frame.$('[data-testid=compose-failure]');
    expect(failure ? await failure.innerText() : null).toBeNull();
    const started = Date.now();
    await page.click('[data-wm=send]', { noWaitAfter: true });
    await page.waitForURL(/sent=/, { timeout: 180_000 });
    console.log(`10 MB: webmail send took ${Date.now() - started} ms`);
    await page.close();

    const inbox = (await (await fetch(`${webmail.url}/api/accounts/bob/mailboxes/inbox`)).json()) as {
      threadId: string;
      size: number;
    }[];
    const big = inbox.find((m) => m.size > 10 * 1024 * 1024);
    expect(big).toBeTruthy();
    const read = await bob.open(`${webmail.url}/u/bob/t/${big?.threadId}?skin=plain`, 180_000);
    const rf = await overlayFrame(read, 'read', '[data-testid=attachments]', 180_000);
    expect(await rf.textContent('[data-testid=subject]')).toBe('Big file');
    const [download] = await Promise.all([read.waitForEvent('download'), rf.click('[data-testid=download]')]);
    const got = readFileSync(await download.path());
    expect(got.length).toBe(data.length);
    expect(got.equals(data)).toBe(true);
    await read.close();
  }, 480_000);
});

describe('hostile page (Chromium, issue 5 §6)', () => {
  const captured = (page: Page) =>
    page.evaluate(() => {
      const h = (
        window as unknown as { __hostile: { scan(): void; captured: { via: string; data: string }[] } }
      ).__hostile;
      h.scan();
      return JSON.stringify(h.captured);
    });
  const forbidden = (canary: string) => [
    canary,
    'PRIVATE KEY',
    'privateKey',
    'keyPassphrase',
    'signingSecret',
    PASSPHRASE,
  ];

  it('never obtains the plaintext of a message read on it', async () => {
    const canary = `hostile-read-${Math.random().toString(36).slice(2)}`;
    const armored = await gpgEncryptedSigned(`${canary}\n`, GPG_USER);
    const page = await bob.open(`${webmail.url}/hostile?message=${encodeURIComponent(armored)}`);
    const frame = await overlayFrame(page, 'read', '[data-testid=plaintext]');
    expect(await frame.textContent('[data-testid=plaintext]')).toContain(canary);
    await page.waitForTimeout(600); // several of the page's own scans
    const seen = await captured(page);
    for (const secret of forbidden(canary)) expect(seen).not.toContain(secret);
    expect(seen).toContain('frame-blocked'); // it tried to read our frame and was refused
    await page.close();
  });

  it('never obtains the plaintext of a message composed on it', async () => {
    const canary = `hostile-compose-${Math.random().toString(36).slice(2)}`;
    const page = await alice.open(`${webmail.url}/hostile`);
    await page.click('[data-noise-overlay=compose-button]', { timeout: 30_000 });
    const frame = await overlayFrame(page, 'compose', '[data-testid=compose]');
    // The page lays a look-alike over our frame, so drive it by keyboard as a user could.
    const remove = '[aria-label="Remove bob@webmail.localhost"]';
    await frame.waitForSelector(remove);
    await frame.focus(remove);
    await page.keyboard.press('Enter');
    await frame.focus('input[aria-label="Add a recipient"]');
    await page.keyboard.type(BOB);
    await page.keyboard.press('Enter');
    await frame.waitForSelector(`li[data-address="${BOB}"][data-key=native]`);
    await frame.focus('[data-testid=text]');
    await page.keyboard.type(`Top secret: ${canary}`);
    await page.keyboard.press('Control+Enter');
    await frame.waitForSelector('[data-testid=compose-done]', { timeout: 30_000 });
    const body = await page.inputValue('textarea[name=body]');
    expect(body).toContain('-----BEGIN NOISE ENVELOPE-----');
    await page.waitForTimeout(600);
    const seen = await captured(page);
    for (const secret of forbidden(canary)) expect(seen).not.toContain(secret);
    expect(seen).toContain('BEGIN NOISE ENVELOPE'); // it does see the ciphertext, as intended
    await page.screenshot({ path: join(shots, 'chromium-hostile-compose.png'), fullPage: true });
    await page.close();
  });
});
