// biome-ignore-all lint/performance/useDomNodeTextContent: rendered text (line breaks from <br>) is what these tests check
// The demo webmail's three skins in real Chromium: the selectors adapters rely on, compose →
// send through the UI (the page's own compose model), replies, and Gmail's Trusted Types CSP.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import PostalMime from 'postal-mime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SendResult, send } from './api.ts';
import { launchChromium } from './browser.ts';
import { startWebmail, type Webmail } from './server.ts';

let webmail: Webmail;
let browser: Browser;
let dataDir: string;
let page: Page;
let pageErrors: string[];

const addr = (name: string) => `${name}@webmail.localhost`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'noise-webmail-skins-'));
  [webmail, browser] = await Promise.all([startWebmail({ dataDir }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await webmail?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});
async function newPage(): Promise<Page> {
  page = await browser.newPage();
  pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return page;
}
afterEach(async () => {
  await page?.close();
  expect(pageErrors).toEqual([]);
});

const seed = (from: string, body: Record<string, unknown>): Promise<SendResult> =>
  send(webmail.store, from, body);

async function lastInbox(account: string) {
  const list = await webmail.store.list(account, 'inbox');
  return list[list.length - 1]!;
}

async function sentAndLanded(p: Page): Promise<string> {
  await p.waitForURL(/\/\?.*sent=|\/\?sent=/);
  return (await p.locator('[data-sent-id]').getAttribute('data-sent-id'))!;
}

describe('gmail skin', () => {
  it('renders the Gmail selectors for messages, senders and the clip link', async () => {
    const small = await seed('alice', {
      to: [addr('bob')],
      subject: 'armored',
      text: '-----BEGIN PGP MESSAGE-----\n\nwV4D\n=AbCd\n-----END PGP MESSAGE-----\n',
    });
    await seed('alice', { to: [addr('bob')], subject: 'big', text: `${'x'.repeat(100)}\n`.repeat(1100) });
    const big = await lastInbox('bob');
    const p = await newPage();
    await p.goto(`${webmail.url}/u/bob/t/${small.threadId}?skin=gmail`);
    const body = p.locator('div.adn[data-message-id][data-legacy-message-id] > div.ii.gt > div.a3s.aiL');
    await expect(body.count()).resolves.toBe(1);
    expect(await body.innerText()).toContain('-----BEGIN PGP MESSAGE-----\n\nwV4D\n=AbCd');
    expect(await p.locator('span.gD[email]').getAttribute('email')).toBe(addr('alice'));
    expect(await p.locator('div.adn').getAttribute('data-legacy-message-id')).toBe(small.delivered[0]!.id);

    await p.goto(`${webmail.url}/u/bob/t/${big.threadId}?skin=gmail`);
    const clip = p.locator('.iX a[href*="view=lg"]');
    await expect(clip.count()).resolves.toBe(1);
    const clippedLength = (await p.locator('div.a3s.aiL').innerText()).length;
    await clip.click();
    await p.waitForURL(/view=lg/);
    expect(await p.locator('.iX').count()).toBe(0);
    expect((await p.locator('div.a3s.aiL').innerText()).length).toBeGreaterThan(clippedLength);
  });

  it('enforces Trusted Types: innerHTML throws, while the page itself still works', async () => {
    const p = await newPage();
    await p.goto(`${webmail.url}/u/alice/compose?skin=gmail`);
    const result = await p.evaluate(() => {
      try {
        document.body.innerHTML = '<b>injected</b>';
        return 'assigned';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      }
    });
    expect(result).toMatch(/^TypeError: .*TrustedHTML/);
    expect(await p.evaluate(() => typeof (window as unknown as { __webmail?: object }).__webmail)).toBe(
      'object',
    );
  });

  it('composes and sends through the UI: chips, subject, body reach the model and the recipient', async () => {
    const p = await newPage();
    await p.goto(`${webmail.url}/u/alice/compose?skin=gmail`);
    await expect(
      p
        .locator(
          'div.M9 div[contenteditable="true"][role="textbox"][g_editable="true"][aria-label="Message Body"]',
        )
        .count(),
    ).resolves.toBe(1);
    await p.locator('[name="to"] input').fill(addr('bob'));
    await p.keyboard.press('Enter');
    await p.locator('[name="cc"] input').fill(addr('carol'));
    await p.keyboard.press('Enter');
    await expect(
      p.locator(`[name="to"] [role="option"][data-hovercard-id="${addr('bob')}"]`).count(),
    ).resolves.toBe(1);
    await p.locator('input[name="subjectbox"]').fill('From the Gmail skin');
    await p.locator('[g_editable="true"]').click();
    await p.keyboard.type('Line one');
    await p.keyboard.press('Enter');
    await p.keyboard.type('Line two');

    const model = await p.evaluate(() => {
      const w = window as unknown as { __webmail: { model: Record<string, unknown> } };
      return structuredClone(w.__webmail.model);
    });
    expect(model).toMatchObject({
      to: [addr('bob')],
      cc: [addr('carol')],
      subject: 'From the Gmail skin',
      body: 'Line one\nLine two',
    });

    await p.locator('[data-wm="send"]').click();
    const sentId = await sentAndLanded(p);
    const raw = await webmail.store.raw('alice', sentId);
    const parsed = await PostalMime.parse(raw);
    // mimetext ends the body with a line break.
    expect(parsed.text?.replace(/\r\n/g, '\n')).toBe('Line one\nLine two\n');
    expect((await lastInbox('bob')).subject).toBe('From the Gmail skin');
    expect((await lastInbox('carol')).subject).toBe('From the Gmail skin');
  });
});

describe('outlook skin', () => {
  it('renders message bodies, a name-only pill with a hover card, and sends with ComposeSendButton', async () => {
    const seeded = await seed('alice', { to: [addr('bob')], subject: 'To Outlook', text: 'first\nsecond' });
    const p = await newPage();
    await p.goto(`${webmail.url}/u/bob/t/${seeded.threadId}?skin=outlook`);
    const body = p.locator('div[id^="UniqueMessageBody_"][role="document"]');
    expect(await body.innerText()).toBe('first\nsecond\n');

    await p.locator('a[data-icon-name="ReplyRegular"]').click();
    await p.waitForURL(/compose\?/);
    const pill = p.locator('[data-wm-well="to"] [data-lpc-hover-target]');
    expect((await pill.innerText()).trim()).toBe('Alice');
    expect(await p.locator('[data-wm-well="to"]').innerHTML()).not.toContain('@');
    await pill.hover();
    const card = p.locator('[role="dialog"] a[href^="mailto:"]');
    await card.waitFor();
    expect(await card.innerText()).toBe(addr('alice'));

    await p.locator('[data-wm-well="cc"]').click();
    await p.keyboard.type(addr('dave'));
    await p.keyboard.press('Enter');
    expect((await p.locator('[data-wm-well="cc"] [data-lpc-hover-target]').innerText()).trim()).toBe('Dave');
    await p.locator('div[aria-label="Message body"][contenteditable="true"]').click();
    await p.keyboard.type('Reply from Outlook');
    await p.locator('[data-testid="ComposeSendButton"]').click();
    const sentId = await sentAndLanded(p);

    const reply = await PostalMime.parse(await webmail.store.raw('bob', sentId));
    expect(reply.subject).toBe('Re: To Outlook');
    expect(reply.inReplyTo).toBe(seeded.messageId);
    expect(reply.text?.trim()).toBe('Reply from Outlook');
    expect((await lastInbox('alice')).messageId).toBe(reply.messageId);
    expect((await lastInbox('dave')).messageId).toBe(reply.messageId);
    // The reply threads with the original in alice's view.
    expect((await webmail.store.thread('alice', seeded.threadId)).length).toBe(2);
  });
});

describe('plain skin', () => {
  it('uses a textarea compose whose model follows input events only', async () => {
    const p = await newPage();
    await p.goto(`${webmail.url}/u/carol/compose?skin=plain`);
    await p.locator('[data-wm="to"]').fill(addr('dave'));
    await p.locator('[data-wm="subject"]').fill('Plain');
    await p.locator('textarea[name="body"]').fill('typed');
    await p.evaluate(() => {
      (document.querySelector('textarea[name="body"]') as HTMLTextAreaElement).value = 'set silently';
    });
    const read = () =>
      p.evaluate(
        () => (window as unknown as { __webmail: { model: { body: string } } }).__webmail.model.body,
      );
    expect(await read()).toBe('typed');
    await p.evaluate(() => {
      const t = document.querySelector('textarea[name="body"]') as HTMLTextAreaElement;
      t.focus();
      t.select();
      document.execCommand('insertText', false, 'inserted like an extension');
    });
    expect(await read()).toBe('inserted like an extension');
    await p.locator('[data-wm="send"]').click();
    const sentId = await sentAndLanded(p);
    expect((await PostalMime.parse(await webmail.store.raw('carol', sentId))).text?.trim()).toBe(
      'inserted like an extension',
    );
    expect((await lastInbox('dave')).subject).toBe('Plain');
  });
});
