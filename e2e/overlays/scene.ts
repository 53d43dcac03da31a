// What the overlay e2e share in both browsers: a local `wrangler dev` Worker, the demo webmail,
// a gpg home holding a gpg user and mallory, and the mail-side steps of the overlay scenarios
// (overlays.e2e.ts: deliver a gpg-made mail, export what the webmail sent and hand it to gpg). The browser-side steps live
// in the test files, since Chromium (Playwright) and Firefox (WebDriver BiDi) drive frames apart.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import PostalMime, { type Email } from 'postal-mime';
import { expect } from 'vitest';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { createGpgHome, type GpgHome } from '../interop/programs.ts';
import { startWebmail, type Webmail } from '../webmail/server.ts';
import { type AccountProfile, createAccount, PASSPHRASE } from './profiles.ts';

/** The extension's German texts by name, for the German run (alice's profile). */
export const de = Object.fromEntries(
  Object.entries(
    JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../extension/public/_locales/de/messages.json'), 'utf8'),
    ) as Record<string, { message: string }>,
  ).map(([k, v]) => [k, v.message]),
) as Record<string, string>;

export const DOMAIN = 'example.org';
export const ALICE = `alice@${DOMAIN}`;
export const BOB = `bob@${DOMAIN}`;
export const GPG_USER = `gpguser@${DOMAIN}`;
export const MALLORY = `mallory@${DOMAIN}`;
/** The attachment of scenario (6). */
export const BIG_BYTES = 10 * 1024 * 1024;

export const shots = resolve(import.meta.dirname, '../../test-output/overlays');
mkdirSync(shots, { recursive: true });

/**
 * Scenario (6)'s attachment: BIG_BYTES random bytes in a file named big.bin. On disk, so both
 * drivers hand the browser a path (no 10 MB through the DevTools or BiDi protocol).
 */
export function bigFile(): { data: Buffer; path: string; remove(): void } {
  const data = Buffer.alloc(BIG_BYTES);
  for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
  const dir = mkdtempSync(join(tmpdir(), 'noise-upload-'));
  const path = join(dir, 'big.bin');
  writeFileSync(path, data);
  return { data, path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const canaryFor = (label: string): string => `${label}-${Math.random().toString(36).slice(2)}`;

export interface Scene {
  worker: WorkerServer;
  webmail: Webmail;
  gpg: GpgHome;
  stop(): Promise<void>;
}

/** Worker and webmail started together; gpg keys for the gpg user and mallory (ed25519 + cv25519). */
export async function startScene(): Promise<Scene> {
  const dataDir = mkdtempSync(join(tmpdir(), 'noise-webmail-'));
  const [worker, webmail] = await Promise.all([startWorker(), startWebmail({ dataDir, domain: DOMAIN })]);
  const gpg = createGpgHome();
  for (const uid of [GPG_USER, MALLORY]) {
    const made = await gpg.gpg(['--quick-generate-key', uid, 'ed25519', 'sign', 'never']);
    expect(made.code, made.stderr).toBe(0);
    const fpr = (await gpg.gpg(['--with-colons', '--list-keys', uid])).stdout
      .toString()
      .split('\n')
      .find((l) => l.startsWith('fpr:'))
      ?.split(':')[9];
    await gpg.gpg(['--quick-add-key', fpr ?? '', 'cv25519', 'encr', 'never']);
  }
  return {
    worker,
    webmail,
    gpg,
    async stop() {
      await gpg.cleanup();
      await webmail.stop();
      await worker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Real accounts for alice and bob on the scene's Worker; gpg gets bob's published key, and bob
 * imports the gpg user's key as a contact through the real API (not mallory's).
 */
export async function setUpAccounts(scene: Scene, alice: AccountProfile, bob: AccountProfile): Promise<void> {
  await Promise.all([createAccount(alice, scene.worker), createAccount(bob, scene.worker)]);
  await gpgImportFromDirectory(scene, bob.address);
  await bob.command('contacts.import', { armoredKey: await gpgArmoredKey(scene, GPG_USER) });
}

/** Imports the OpenPGP key the Worker's directory publishes for `address` into gpg. */
export async function gpgImportFromDirectory(scene: Scene, address: string): Promise<void> {
  const res = await fetch(`${scene.worker.url}/api/v1/lookup/by-email/${address}`);
  const { openpgpKey } = (await res.json()) as { openpgpKey: string };
  const imported = await scene.gpg.gpg(['--import'], { input: openpgpKey });
  expect(imported.code, imported.stderr).toBe(0);
}

export async function gpgArmoredKey(scene: Scene, address: string): Promise<string> {
  return (await scene.gpg.gpg(['--armor', '--export', address])).stdout.toString();
}

/** gpg encrypts to bob and signs as `signer`. */
export async function gpgEncryptedSigned(scene: Scene, text: string, signer = GPG_USER): Promise<string> {
  const out = await scene.gpg.gpg(
    ['--armor', '--local-user', signer, '--recipient', BOB, '--sign', '--encrypt'],
    {
      input: text,
    },
  );
  expect(out.code, out.stderr).toBe(0);
  return out.stdout.toString();
}

/**
 * Locks bob's extension, then delivers him a gpg-made, signed mail carrying a fresh canary: what
 * the unlock-in-place scenarios open while locked.
 */
export async function lockedMailForBob(
  scene: Scene,
  bob: AccountProfile,
  label: string,
  subject: string,
): Promise<{ canary: string; thread: string }> {
  await bob.command('lock', {});
  const canary = canaryFor(label);
  const armored = await gpgEncryptedSigned(scene, `${subject}, ${canary}\n`);
  return { canary, thread: await deliver(scene, 'bob', eml(GPG_USER, BOB, subject, armored)) };
}

/** Flips one base64 character in the middle of an armored block. */
export function tampered(armored: string): string {
  const lines = armored.split('\n');
  const i = Math.floor(lines.length / 2);
  const line = lines[i] ?? '';
  lines[i] = `${line.slice(0, 8)}${line[8] === 'A' ? 'B' : 'A'}${line.slice(9)}`;
  return lines.join('\n');
}

export function eml(from: string, to: string, subject: string, body: string): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@${DOMAIN}>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body.replace(/\n/g, '\r\n'),
  ].join('\r\n');
}

/** Puts a raw mail into a webmail mailbox (as an MTA would); returns its thread id. */
export async function deliver(scene: Scene, account: string, raw: string): Promise<string> {
  const res = await fetch(`${scene.webmail.url}/api/accounts/${account}/mailboxes/inbox`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { threadId: string }).threadId;
}

export async function inbox(scene: Scene, account: string) {
  const res = await fetch(`${scene.webmail.url}/api/accounts/${account}/mailboxes/inbox`);
  return (await res.json()) as { threadId: string; subject: string; size: number }[];
}

/** Ids of the mail the webmail sent to outside addresses (kept for export). */
export async function outboundIds(scene: Scene): Promise<string[]> {
  return (await (await fetch(`${scene.webmail.url}/api/outbound`)).json()) as string[];
}

/**
 * The one mail sent out since `before`, exported as .eml and read as a mail client would: the
 * text body taken out, handed to gpg; returns the outer mail, gpg's status lines and the
 * decrypted inner MIME entity.
 */
export async function outboundThroughGpg(
  scene: Scene,
  before: string[],
): Promise<{ outer: Email; status: string; inner: Email }> {
  const ids = (await outboundIds(scene)).filter((id) => !before.includes(id));
  expect(ids).toHaveLength(1);
  const res = await fetch(`${scene.webmail.url}/api/outbound/${ids[0]}/raw`);
  const outer = await PostalMime.parse(new Uint8Array(await res.arrayBuffer()));
  const out = await scene.gpg.gpg(['--status-fd', '1', '--decrypt'], { input: outer.text ?? '' });
  const stdout = out.stdout.toString();
  const inner = await PostalMime.parse(stdout.replace(/^\[GNUPG:\].*\n/gm, ''));
  return { outer, status: `${stdout.match(/^\[GNUPG:\].*$/gm)?.join('\n') ?? ''}\n${out.stderr}`, inner };
}

/** Strings the hostile page must never capture when the plaintext carries `canary`. */
export const forbidden = (canary: string): string[] => [
  canary,
  'PRIVATE KEY',
  'privateKey',
  'keyPassphrase',
  'signingSecret',
  PASSPHRASE,
];

/** Runs in the hostile page: one more of its own scans, then all it captured, as JSON. */
export function hostileCaptured(): string {
  const h = (window as unknown as { __hostile: { scan(): void; captured: { via: string; data: string }[] } })
    .__hostile;
  h.scan();
  return JSON.stringify(h.captured);
}

/**
 * Runs in a Gmail-skin page: adds a message in Gmail's markup to the thread, as Gmail shows a
 * message (no page load), scrolls it into view and returns when, on the absolute clock
 * (timeOrigin + now). With `notePlacement`, window.__placedAt says when a frame went into it.
 */
export function addGmailMessage(m: {
  armored: string;
  sender: string;
  id: string;
  notePlacement?: boolean;
}): number {
  const message = document.createElement('div');
  message.className = 'adn';
  message.setAttribute('data-message-id', `#msg-f:${m.id}`);
  message.setAttribute('data-legacy-message-id', m.id);
  const head = document.createElement('h3');
  head.className = 'iw';
  const from = document.createElement('span');
  from.className = 'gD';
  from.setAttribute('email', m.sender);
  from.textContent = m.sender.split('@')[0] ?? m.sender;
  head.append(from);
  const outer = document.createElement('div');
  outer.className = 'ii gt';
  const body = document.createElement('div');
  body.className = 'a3s aiL';
  for (const line of m.armored.split('\n')) body.append(line, document.createElement('br'));
  outer.append(body);
  message.append(head, outer);
  if (m.notePlacement)
    new MutationObserver((_, obs) => {
      if (!message.querySelector('iframe')) return;
      (window as unknown as { __placedAt: number }).__placedAt = performance.timeOrigin + performance.now();
      obs.disconnect();
    }).observe(message, { childList: true, subtree: true });
  (document.querySelector('.adn')?.parentElement ?? document.body).append(message);
  // Shown means on screen (Chromium does not render frames scrolled out of view).
  message.scrollIntoView({ block: 'start' });
  return performance.timeOrigin + performance.now();
}

/** Runs in the page: the URL of the content script's spare read frame, if there is one now. */
export function spareFrameUrl(): string | undefined {
  return (document.querySelector('iframe[data-noise-overlay=read-spare]') as HTMLIFrameElement | null)?.src;
}

/** Runs in the page: the message id (Gmail markup) of the message holding the frame at `url`. */
export function messageIdOfFrame(url: string): string | null {
  const frame = [...document.querySelectorAll('iframe')].find((f) => f.src === url);
  return frame?.closest('.adn')?.getAttribute('data-message-id') ?? null;
}
