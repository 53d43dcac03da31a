// biome-ignore-all lint/performance/useDomNodeTextContent: rendered text (line breaks from <br>) is what these tests check
// The provider adapters, bundled as a content script would carry them, driving the demo
// webmail's skins in real Chromium (real layout, the real hover card, Trusted Types in force).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as Providers from '../../extension/providers/index.ts';
import { send } from './api.ts';
import { adapterBundle, launchChromium } from './browser.ts';
import { startWebmail, type Webmail } from './server.ts';

declare global {
  interface Window {
    NoiseProviders: typeof Providers;
    __webmail: { model: { to: string[]; cc: string[]; bcc: string[]; subject: string; body: string } };
  }
}

let webmail: Webmail;
let browser: Browser;
let bundle: string;
let dataDir: string;
let page: Page;

const addr = (name: string) => `${name}@webmail.localhost`;
const ARMORED =
  '-----BEGIN PGP MESSAGE-----\n\nwV4DR2b2udXyHrYSAQdAO6LmQ3Ux5ePVbQ9rhjM1\n=QuiC\n-----END PGP MESSAGE-----\n';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'noise-webmail-adapters-'));
  [webmail, browser, bundle] = await Promise.all([
    startWebmail({ dataDir }),
    launchChromium(),
    adapterBundle(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await webmail?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});
afterEach(async () => {
  await page?.close();
});

/** Opens a page and evaluates the bundle in it (CDP evaluation, so the Gmail skin's Trusted
 * Types CSP does not block it, as it does not block a content script). */
async function open(path: string): Promise<Page> {
  page = await browser.newPage();
  await page.goto(`${webmail.url}${path}`);
  await page.evaluate(bundle);
  return page;
}

it('bundles small: the adapters fit comfortably in a 30 KB content script', () => {
  console.log(`adapter bundle: ${bundle.length} bytes minified`);
  expect(bundle.length).toBeLessThan(12_000);
  expect(bundle).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});

describe.each(['gmail', 'outlook', 'plain'] as const)('%s skin', (skin) => {
  const expected = { gmail: 'gmail', outlook: 'outlook', plain: 'generic' }[skin];

  it('finds displayed messages with sender and id', async () => {
    const sent = await send(webmail.store, 'alice', {
      to: [addr('bob')],
      subject: `armored ${skin}`,
      text: ARMORED,
    });
    const bobCopy = sent.delivered[0]!.id;
    const p = await open(`/u/bob/t/${sent.threadId}?skin=${skin}`);
    const found = await p.evaluate(() => {
      const adapter = window.NoiseProviders.selectAdapter(location, document);
      return {
        name: adapter.name,
        messages: adapter.findMessages(document).map((m) => ({
          id: m.messageId,
          sender: m.sender(),
          text: m.element.innerText,
          clipped: m.clipped,
        })),
      };
    });
    expect(found.name).toBe(expected);
    expect(found.messages).toHaveLength(1);
    const [m] = found.messages;
    expect(m!.sender).toBe(addr('alice'));
    expect(m!.text).toContain('-----BEGIN PGP MESSAGE-----');
    expect(m!.text).toContain('-----END PGP MESSAGE-----');
    expect(m!.clipped).toBe(false);
    expect(m!.id).toBe(skin === 'outlook' ? `${sent.threadId}#0` : bobCopy);
  });

  it('finds the compose body, recipients and subject, and text inserted into the body reaches the page model', async () => {
    const sent = await send(webmail.store, 'bob', {
      to: [addr('alice')],
      cc: [addr('carol')],
      subject: 'Plans',
      text: 'hi',
    });
    const p = await open(`/u/alice/compose?reply=${sent.delivered[0]!.id}&skin=${skin}`);
    const found = await p.evaluate(async () => {
      const adapter = window.NoiseProviders.selectAdapter(location, document);
      const composers = adapter.findComposers(document);
      const c = composers[0]!;
      const before = c.recipients();
      const resolved = await c.resolveRecipients();
      c.body.focus();
      document.execCommand(
        'insertText',
        false,
        '-----BEGIN NOISE ENVELOPE-----\nAAAA\n-----END NOISE ENVELOPE-----',
      );
      return {
        count: composers.length,
        kind: c.kind,
        subject: c.subject(),
        before,
        resolved,
        model: window.__webmail.model.body,
      };
    });
    expect(found.count).toBe(1);
    expect(found.kind).toBe(skin === 'plain' ? 'textarea' : 'contenteditable');
    expect(found.subject).toBe('Re: Plans');
    if (skin === 'outlook') {
      // The pill shows "Bob"; the address only comes from the persona card.
      expect(found.before).toEqual({ to: [], cc: [], bcc: [], unresolved: [{ field: 'to', name: 'Bob' }] });
    } else {
      expect(found.before).toEqual({ to: [addr('bob')], cc: [], bcc: [], unresolved: [] });
    }
    expect(found.resolved).toEqual({ to: [addr('bob')], cc: [], bcc: [], unresolved: [] });
    expect(found.model).toBe('-----BEGIN NOISE ENVELOPE-----\nAAAA\n-----END NOISE ENVELOPE-----');
  });
});

describe('generic adapter on real layout', () => {
  it('takes the tall textarea and the armored message on the hostile page, not small fields', async () => {
    const p = await open(`/hostile?message=${encodeURIComponent(ARMORED)}`);
    const found = await p.evaluate(() => {
      const adapter = window.NoiseProviders.selectAdapter(location, document);
      const small = document.createElement('textarea');
      small.style.height = '30px';
      document.body.append(small);
      return {
        name: adapter.name,
        composers: adapter
          .findComposers(document)
          .map((c) => [c.body.tagName, c.recipients().to, c.subject()]),
        messages: adapter.findMessages(document).map((m) => [m.element.id, m.sender(), m.messageId]),
      };
    });
    expect(found).toEqual({
      name: 'generic',
      composers: [['TEXTAREA', [addr('bob')], 'hello']],
      messages: [['hostile-message', 'mallory@hostile.localhost', 'hostile-1']],
    });
  });
});
