// The inbox page in real Chromium and real Firefox (one launch each), on the overlays' scene (a
// local `wrangler dev` Worker and the demo webmail, e2e/overlays/scene.ts): dave writes plain
// mail from the demo webmail to the user's inbox on the service domain, `npm start`'s bridge
// (scripts/local-mail.mjs) hands it to wrangler's local email endpoint as Email Routing would; the
// user, whose account claimed that inbox at sign-up, sees it in the inbox page with the mail
// service's verdicts ("unknown" locally) and the reader's, opens it (the background re-seals the
// server copy: format inbox-v1 through the API), and opens it again without the private key.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derive } from '../../extension/background/account.ts';
import { createInboundMailBridge, emlPaths } from '../../scripts/local-mail.mjs';
import { apiClient, memorySessionStore } from '../../shared/api/client.ts';
import { fromServerKdf } from '../../shared/api/kdf-params.ts';
import { toBase64Url } from '../../shared/encoding.ts';
import {
  BROWSERS,
  type ExtensionBrowser,
  type ExtensionPage,
  launchWithExtension,
  poll,
} from '../browsers/launch.ts';
import { axeViolations } from '../extension/pages.ts';
import { registerAccount } from '../harness/accounts.ts';
import {
  type AccountProfile,
  createAccount,
  PASSPHRASE,
  type Reply,
  replyValue,
} from '../overlays/profiles.ts';
import { canaryFor, DOMAIN, type Scene, shots, startScene } from '../overlays/scene.ts';

let scene: Scene;

beforeAll(async () => {
  scene = await startScene();
}, 120_000);

afterAll(async () => {
  await scene?.stop();
});

/** The background's message API from one of the extension's own pages, in either browser. */
function accountOf(page: ExtensionPage, address: string): AccountProfile {
  return {
    address,
    async command<T>(cmd: string, args: Record<string, unknown>): Promise<T> {
      const reply = await page.evaluate(
        ([c, a]) => {
          const g = globalThis as unknown as {
            browser?: { runtime: { sendMessage(m: unknown): Promise<unknown> } };
            chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } };
          };
          return (g.browser ?? g.chrome).runtime.sendMessage({ cmd: c, args: a });
        },
        [cmd, args] as const,
      );
      return replyValue(cmd, reply as Reply<T>);
    },
  };
}

/** A session of the account through the one API client, as another device would log in. */
async function loginAs(address: string) {
  const api = apiClient({ baseUrl: scene.worker.url, session: memorySessionStore() });
  const keys = await derive(PASSPHRASE, fromServerKdf(await api.kdfParams(address)));
  await api.login({ address, authKey: toBase64Url(keys.authKey), deviceName: 'e2e check' });
  return api;
}

let bridge: ReturnType<typeof createInboundMailBridge> | undefined;

/** dave sends from the demo webmail; the bridge posts it to the Worker as Email Routing would. */
async function daveWrites(to: string, subject: string, text: string): Promise<void> {
  const sent = await fetch(`${scene.webmail.url}/api/accounts/dave/send`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ to: [to], subject, text }),
  });
  expect(sent.status).toBe(201);
  bridge ??= createInboundMailBridge({
    webmailUrl: scene.webmail.url,
    workerUrl: scene.worker.url,
    serviceDomain: 'noise.localhost',
  });
  const delivered = await bridge();
  expect(delivered.filter((d) => d.to === to).map((d) => d.status)).toEqual([200]);
}

/** A key press where the focus is, as the keyboard would deliver it. */
const key = (page: ExtensionPage, k: string) =>
  page.evaluate((name: string) => {
    (document.activeElement ?? document.body).dispatchEvent(
      new KeyboardEvent('keydown', { key: name, bubbles: true }),
    );
  }, k);

/** Waits until the list shows `n` rows. */
const rows = (page: ExtensionPage, n: number) =>
  poll(
    async () =>
      (await page.evaluate(() => document.querySelectorAll('[data-testid=message-row]').length)) === n
        ? true
        : undefined,
    `${n} rows`,
  );

const attr = (page: ExtensionPage, selector: string, name: string) =>
  page.evaluate(([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null, [selector, name] as const);

/** The .eml files wrangler's send_email wrote since log line `from` (e2e/relay/relay.e2e.ts). */
function emlsSince(from: number, count: number): Promise<Uint8Array[]> {
  return poll(async () => {
    const paths = [...new Set(scene.worker.log.slice(from).flatMap((l) => emlPaths(l)))];
    return paths.length >= count ? paths.map((p) => new Uint8Array(readFileSync(p))) : undefined;
  }, `${count} .eml files`);
}

/** Base64 in lines of 76 (RFC 2045 §6.8). */
const base64Lines = (bytes: Uint8Array) =>
  (
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');

/**
 * dave's mail with a file (multipart/mixed, RFC 2046 §5.1.3), posted to wrangler's local email
 * endpoint as Email Routing would (scripts/local-mail.mjs; the demo webmail writes no files).
 */
async function daveSendsFile(to: string, subject: string, file: { name: string; data: Uint8Array }) {
  const from = `dave@${DOMAIN}`;
  const boundary = `b-${canaryFor('boundary')}`;
  const raw = [
    `From: Dave <${from}>`,
    `To: <${to}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${canaryFor('mid')}@${DOMAIN}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The file is attached.',
    `--${boundary}`,
    `Content-Type: application/octet-stream; name="${file.name}"`,
    `Content-Disposition: attachment; filename="${file.name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(file.data),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  const url = new URL('/cdn-cgi/local/email', scene.worker.url);
  url.searchParams.set('from', from);
  url.searchParams.set('to', to);
  const posted = await fetch(url, { method: 'POST', body: raw });
  expect(posted.status).toBe(200);
}

/** The MIME message inside a relayed PGP/MIME .eml, decrypted with the recipient's key. */
async function decryptedMime(eml: Uint8Array, armoredKey: string) {
  const armored = Buffer.from(eml)
    .toString('latin1')
    .match(/-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/)![0];
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ armoredMessage: armored }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey }),
    format: 'binary',
  });
  return PostalMime.parse(data as Uint8Array);
}

/** The file an attachment carries, as bytes. */
const bytesOf = (a: { content: ArrayBuffer | Uint8Array | string }) =>
  typeof a.content === 'string' ? Buffer.from(a.content) : Buffer.from(a.content as ArrayBuffer);

/** Adds a recipient in the compose form as the keyboard would (Enter in the add field). */
async function addRecipient(page: ExtensionPage, address: string): Promise<void> {
  await page.fill('[data-testid=add-recipient]', address);
  await page.evaluate(() => {
    const input = document.querySelector('[data-testid=add-recipient]') as HTMLInputElement;
    input.focus();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  });
}

describe.each(BROWSERS)('the inbox page in %s', (name) => {
  let browser: ExtensionBrowser;
  let page: ExtensionPage;
  const user = `inbox-${name}@${DOMAIN}`;
  const inbox = `inbox-${name}@noise.localhost`;

  beforeAll(async () => {
    browser = await launchWithExtension(name);
    page = await browser.open('popup.html');
    await createAccount(accountOf(page, user), scene.worker, { claimInbox: inbox });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('dave writes plain mail; the inbox lists it with its verdicts, opens it, re-seals it, and re-opens it with the inbox key only', async () => {
    const canary = canaryFor('inbox-page');
    await page.close();
    page = await browser.open('inbox.html');
    // Empty first: the page says where mail can reach the user.
    expect(await page.waitFor('[data-testid=empty]')).toContain(inbox);

    await daveWrites(inbox, `Dinner ${canary}`, `Hi, dinner at eight? ${canary}`);
    await page.click('[data-testid=refresh]');
    const row = await page.waitFor('[data-testid=message-row]');
    expect(row).toContain(`Dinner ${canary}`);
    expect(row).toContain('Dave');
    expect(await attr(page, '[data-testid=message-row]', 'data-unread')).toBe('true');
    // Locally Cloudflare adds no Authentication-Results: the list says "unchecked", not "passed".
    expect(await attr(page, '[data-testid=auth-mark]', 'data-state')).toBe('unknown');

    // Keyboard: the row takes the focus, Enter opens it.
    await page.evaluate(() => (document.querySelector('[data-testid=message-row]') as HTMLElement).focus());
    await key(page, 'Enter');
    await page.waitFor('[data-testid=message][data-private-key-used=true]');
    expect(await attr(page, '[data-testid=message]', 'data-resealed')).toBe('true');
    expect(await page.text('[data-testid=message-subject]')).toBe(`Dinner ${canary}`);
    expect(await page.text('[data-testid=plaintext]')).toContain(canary);
    // The reader's verdict, drawn by the read overlay's own component: not encrypted, unsigned.
    expect(await attr(page, '[data-testid=verdict]', 'data-verdict-class')).toBeTruthy();
    expect(await page.text('[data-testid=verdict-encrypted]')).toMatch(/not encrypted/i);
    await page.waitFor('[data-testid=verdict-unsigned]');
    // The mail service's verdicts, each shown as unknown.
    for (const check of ['spf', 'dkim', 'dmarc'])
      expect(await attr(page, `[data-testid=auth-${check}]`, 'data-result')).toBe('unknown');
    expect(await attr(page, '[data-testid=stored-under]', 'data-stored')).toBe('inbox-v1');
    await page.screenshot(`${shots}/inbox-${name}.png`);
    expect(await axeViolations(page)).toEqual([]);

    // The server's copy, through the API: sealed under the inbox key now.
    const api = await loginAs(user);
    const { messages } = await api.inbox.list(inbox);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ format: 'inbox-v1', version: 2, flags: { read: true } });

    // Closed and opened again: the inbox key alone.
    await key(page, 'Escape');
    await poll(
      async () => ((await page.text('[data-testid=message]')) === '' ? true : undefined),
      'message closed',
    );
    expect(await attr(page, '[data-testid=message-row]', 'data-unread')).toBe('false');
    await page.evaluate(() => (document.querySelector('[data-testid=message-row]') as HTMLElement).focus());
    await key(page, 'Enter');
    await page.waitFor('[data-testid=message][data-private-key-used=false]');
    expect(await page.text('[data-testid=plaintext]')).toContain(canary);
    expect(await attr(page, '[data-testid=message]', 'data-resealed')).toBe('false');

    // Search finds it by a word of its text.
    await page.fill('[data-testid=search]', canary);
    await page.click('[data-testid=search-submit]');
    expect(await page.waitFor('[data-testid=search-hit]')).toContain(`Dinner ${canary}`);
  });

  it('j/k move the focus through the list; Delete pressed twice deletes, once does not', async () => {
    await daveWrites(inbox, 'Second', 'to be deleted');
    await page.click('[data-testid=refresh]');
    await rows(page, 2);
    await page.evaluate(() => (document.querySelector('[data-testid=message-row]') as HTMLElement).focus());
    const focused = () =>
      page.evaluate(() => ({
        text: document.activeElement?.textContent ?? '',
        selected: document.activeElement?.getAttribute('aria-selected'),
      }));
    expect((await focused()).text).toContain('Second');
    await key(page, 'j');
    await poll(
      async () => ((await focused()).text.includes('Dinner') ? true : undefined),
      'focus on the second row',
    );
    expect((await focused()).selected).toBe('true');
    await key(page, 'k');
    await poll(
      async () => ((await focused()).text.includes('Second') ? true : undefined),
      'focus back on the first row',
    );
    await key(page, 'Delete');
    expect(await page.waitFor('[role=status].notice')).toMatch(/again/i);
    await rows(page, 2);
    await key(page, 'Delete');
    await rows(page, 1);
    const api = await loginAs(user);
    const { messages } = await api.inbox.list(inbox);
    expect(messages.map((m) => m.format)).toEqual(['inbox-v1']);
  });

  it('the options page lists the inbox with its use and the quota, and passes axe; the popup links to the inbox', async () => {
    const options = await browser.open('options.html');
    try {
      expect(await options.waitFor(`[data-testid=inbox-addresses] [data-address="${inbox}"]`)).toMatch(
        /1 messages/,
      );
      expect(await options.text('[data-testid=inbox-quota]')).toMatch(/MiB/);
      await options.waitFor('[data-testid=rotate-key]');
      expect(await axeViolations(options)).toEqual([]);
    } finally {
      await options.close();
    }
    const popup = await browser.open('popup.html');
    try {
      // The popup renders after its state arrives from the background; wait for the link first.
      await popup.waitFor('[data-testid=open-inbox]');
      expect(await attr(popup, '[data-testid=open-inbox]', 'href')).toMatch(/\/inbox\.html$/);
    } finally {
      await popup.close();
    }
  });
  it('sends from the inbox page: encrypted to bob, unencrypted to dave only after the warning, both at once as two copies; the Sent view shows them, decrypted here', async () => {
    const canary = canaryFor('outbox');
    const bob = `bob-outbox-${name}@noise.localhost`;
    const dave = `dave-outbox-${name}@webmail.localhost`;
    const bobKey = await openpgp.generateKey({ type: 'ecc', userIDs: [{ email: bob }], format: 'armored' });
    await registerAccount(scene.worker.url, { address: bob, openpgpKey: bobKey.publicKey });

    await page.close();
    page = await browser.open('inbox.html');

    // To bob, who has a key: the state says so before sending; the relay gets PGP/MIME.
    await page.click('[data-testid=compose-new]');
    await addRecipient(page, bob);
    await page.waitFor(`[data-testid=recipients] li[data-address="${bob}"][data-key=pgp]`);
    await page.fill('input[name=subject]', `Plans ${canary}`);
    await page.fill('textarea[name=text]', `Encrypted words ${canary}`);
    let mark = scene.worker.log.length;
    await page.click('[data-testid=compose-send]');
    await page.waitFor('[data-testid=compose-result]');
    expect(await attr(page, '[data-testid=compose-result]', 'data-encrypted')).toBe(bob);
    const [toBob] = await emlsSince(mark, 1);
    expect(Buffer.from(toBob!).includes(canary)).toBe(false);
    const armored = Buffer.from(toBob!)
      .toString('latin1')
      .match(/-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/)![0];
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: bobKey.privateKey }),
    });
    expect(String(data)).toContain(`Plans ${canary}`);
    expect(Buffer.from(String(data), 'latin1').toString()).toContain('Content-Type');
    await page.evaluate(() =>
      (document.querySelector('[data-testid=compose-result] button') as HTMLButtonElement).click(),
    );

    // To dave, who has none: nothing goes until the sender chooses and confirms the warning.
    await page.click('[data-testid=compose-new]');
    await addRecipient(page, dave);
    await page.waitFor(`[data-testid=recipients] li[data-address="${dave}"][data-key=none]`);
    await page.fill('input[name=subject]', `Lunch ${canary}`);
    await page.fill('textarea[name=text]', `Plain words ${canary}`);
    await page.waitFor('[data-testid=without-key]');
    expect(await attr(page, '[data-testid=compose-send]', 'disabled')).not.toBeNull();
    await page.click('[data-testid=without-key-seal]');
    expect(await page.waitFor('[data-testid=unencrypted-warning]')).toContain(dave);
    expect(await attr(page, '[data-testid=compose-send]', 'disabled')).not.toBeNull();
    await page.click('[data-testid=confirm-unencrypted]');
    expect(await axeViolations(page)).toEqual([]);
    mark = scene.worker.log.length;
    await page.click('[data-testid=compose-send]');
    await page.waitFor('[data-testid=compose-result]');
    expect(await attr(page, '[data-testid=compose-result]', 'data-sealed')).toBe(dave);
    const [toDave] = await emlsSince(mark, 1);
    const plain = await PostalMime.parse(toDave!);
    expect(plain.subject).toBe(`Lunch ${canary}`);
    expect(plain.text).toContain(`Plain words ${canary}`);
    expect(plain.to?.map((a) => a.address)).toEqual([dave]);

    // Both at once (docs/spec/relay-v1.md §6): two copies of one message, one per envelope.
    await page.evaluate(() =>
      (document.querySelector('[data-testid=compose-result] button') as HTMLButtonElement).click(),
    );
    await page.click('[data-testid=compose-new]');
    await addRecipient(page, bob);
    await page.waitFor(`[data-testid=recipients] li[data-address="${bob}"][data-key=pgp]`);
    await page.evaluate(() => {
      const select = document.querySelector('[data-testid=compose-field]') as HTMLSelectElement;
      select.value = 'cc';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await addRecipient(page, dave);
    await page.waitFor(`[data-testid=recipients] li[data-address="${dave}"][data-key=none]`);
    await page.fill('input[name=subject]', `Both ${canary}`);
    await page.fill('textarea[name=text]', `Mixed words ${canary}`);
    await page.click('[data-testid=without-key-seal]');
    await page.click('[data-testid=confirm-unencrypted]');
    mark = scene.worker.log.length;
    await page.click('[data-testid=compose-send]');
    await page.waitFor('[data-testid=compose-result]');
    expect(await attr(page, '[data-testid=compose-result]', 'data-encrypted')).toBe(bob);
    expect(await attr(page, '[data-testid=compose-result]', 'data-sealed')).toBe(dave);
    const copies = await Promise.all((await emlsSince(mark, 2)).map((eml) => PostalMime.parse(eml)));
    const [cipher, clear] = [
      copies.find((c) => !c.text?.includes(canary)),
      copies.find((c) => c.text?.includes(canary)),
    ];
    expect(cipher?.subject).toBe('[...]');
    expect(clear?.subject).toBe(`Both ${canary}`);
    for (const c of [cipher, clear]) {
      expect(c?.to?.map((a) => a.address)).toEqual([bob]);
      expect(c?.cc?.map((a) => a.address)).toEqual([dave]);
    }

    // The Sent view: all three, their summaries and bodies opened with the keys in this browser.
    await page.click('[data-testid=folder-sent]');
    await poll(
      async () =>
        (await page.text('[data-testid=message-list]')).includes(`Plans ${canary}`) ? true : undefined,
      'the Sent view',
    );
    await rows(page, 3);
    const listed = await page.text('[data-testid=message-list]');
    expect(listed).toContain(`Plans ${canary}`);
    expect(listed).toContain(`Lunch ${canary}`);
    expect(listed).toContain(`Both ${canary}`);
    await page.evaluate(() =>
      (
        [...document.querySelectorAll('[data-testid=message-row]')].find((r) =>
          r.textContent?.includes('Plans'),
        ) as HTMLElement
      ).focus(),
    );
    await key(page, 'Enter');
    await page.waitFor('[data-testid=plaintext]');
    expect(await page.text('[data-testid=plaintext]')).toContain(`Encrypted words ${canary}`);

    // A reply to it: to bob again, threaded (In-Reply-To/References), and grouped under it in Sent.
    await page.click('[data-testid=compose-reply]');
    await page.waitFor(`[data-testid=recipients] li[data-address="${bob}"][data-key=pgp]`);
    mark = scene.worker.log.length;
    await page.click('[data-testid=compose-send]');
    await page.waitFor('[data-testid=compose-result]');
    const [reply] = await Promise.all((await emlsSince(mark, 1)).map((eml) => PostalMime.parse(eml)));
    expect(reply?.inReplyTo).toMatch(/^<[^<>]+@noise\.localhost>$/);
    expect(reply?.references).toBe(reply?.inReplyTo);
    await rows(page, 4);
    const order = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=message-row]')].map((r) => ({
        text: r.textContent ?? '',
        inThread: r.getAttribute('data-in-thread') === 'true',
      })),
    );
    const at = order.findIndex((r) => r.text.includes(`Plans ${canary}`) && !r.text.includes('Re:'));
    expect(order[at - 1]?.text).toContain(`Re: Plans ${canary}`);
    expect(order[at]?.inThread).toBe(true);
  });

  it('forwards dave’s attachment to bob byte for byte, and attaches a file of alice’s own through the file input', async () => {
    const canary = canaryFor('forward-file');
    const bob = `bob-forward-${name}@noise.localhost`;
    const bobKey = await openpgp.generateKey({ type: 'ecc', userIDs: [{ email: bob }], format: 'armored' });
    await registerAccount(scene.worker.url, { address: bob, openpgpKey: bobKey.publicKey });
    // Random bytes, every value of a byte likely present: a change of encoding would show.
    const daves = { name: `plan-${name}.bin`, data: crypto.getRandomValues(new Uint8Array(3000)) };
    const own = { name: `own-${name}.bin`, data: crypto.getRandomValues(new Uint8Array(2000)) };
    const dir = mkdtempSync(join(tmpdir(), 'noise-files-'));
    try {
      writeFileSync(join(dir, own.name), own.data);
      await daveSendsFile(inbox, `Plan ${canary}`, daves);

      await page.close();
      page = await browser.open('inbox.html');
      await poll(
        async () => ((await page.text('[data-testid=message-list]')).includes(canary) ? true : undefined),
        'dave’s mail in the list',
      );
      await page.evaluate(
        (c: string) =>
          (
            [...document.querySelectorAll('[data-testid=message-row]')].find((r) =>
              r.textContent?.includes(c),
            ) as HTMLElement
          ).focus(),
        canary,
      );
      await key(page, 'Enter');
      expect(await page.waitFor('[data-testid=attachment]')).toContain(daves.name);

      // Forward: the file comes along (listed as carried); bob has a key, so it goes PGP/MIME.
      await page.click('[data-testid=compose-forward]');
      expect(await page.waitFor('[data-testid=compose-attachments] li')).toContain(daves.name);
      await addRecipient(page, bob);
      await page.waitFor(`[data-testid=recipients] li[data-address="${bob}"][data-key=pgp]`);
      let mark = scene.worker.log.length;
      await page.click('[data-testid=compose-send]');
      await page.waitFor('[data-testid=compose-result]');
      const forwarded = await decryptedMime((await emlsSince(mark, 1))[0]!, bobKey.privateKey);
      expect(forwarded.subject).toBe(`Fwd: Plan ${canary}`);
      const carried = forwarded.attachments.filter((a) => a.filename === daves.name);
      expect(carried).toHaveLength(1);
      expect(bytesOf(carried[0]!).equals(Buffer.from(daves.data))).toBe(true);
      await page.evaluate(() =>
        (document.querySelector('[data-testid=compose-result] button') as HTMLButtonElement).click(),
      );

      // A new message with a file chosen in the file input (the driver sets it as a user would).
      await page.click('[data-testid=compose-new]');
      await addRecipient(page, bob);
      await page.waitFor(`[data-testid=recipients] li[data-address="${bob}"][data-key=pgp]`);
      await page.fill('input[name=subject]', `Mine ${canary}`);
      await page.setFiles('[data-testid=compose-file]', [join(dir, own.name)]);
      // Read in full once its remove button shows (the progress bar is gone).
      await page.waitFor('[data-testid=compose-attachments] li button');
      expect(await page.text('[data-testid=compose-attachments]')).toContain(own.name);
      mark = scene.worker.log.length;
      await page.click('[data-testid=compose-send]');
      await page.waitFor('[data-testid=compose-result]');
      const mine = await decryptedMime((await emlsSince(mark, 1))[0]!, bobKey.privateKey);
      expect(mine.subject).toBe(`Mine ${canary}`);
      const attached = mine.attachments.filter((a) => a.filename === own.name);
      expect(attached).toHaveLength(1);
      expect(bytesOf(attached[0]!).equals(Buffer.from(own.data))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
