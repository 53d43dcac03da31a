// The overlays end to end in real Firefox ESR (puppeteer-core, WebDriver BiDi): the scenarios of
// overlays.e2e.ts ((1)–(6) and the hostile page of docs/threat-model.md) with the same scene (scene.ts):
// two profiles with real accounts on `wrangler dev`, the demo webmail and gpg. The overlay frames
// are driven inside their own browsing context (firefox-profile.ts).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFirefoxExtensionPage, poll } from '../browsers/launch.ts';
import { type FirefoxProfile, launchFirefoxProfile } from './firefox-profile.ts';
import { expectMarkFromBundledSvg, markReport } from './mark-pixels.ts';
import { CAROL, nativeSender } from './native-sender.ts';
import { PASSPHRASE, pageVisibleText } from './profiles.ts';
import {
  ALICE,
  addGmailMessage,
  BIG_BYTES,
  BOB,
  bigFile,
  canaryFor,
  de,
  deliver,
  eml,
  forbidden,
  GPG_USER,
  gpgArmoredKey,
  gpgEncryptedSigned,
  gpgImportFromDirectory,
  hostileCaptured,
  inbox,
  lockedMailForBob,
  MALLORY,
  messageIdOfFrame,
  outboundIds,
  outboundThroughGpg,
  type Scene,
  setUpAccounts,
  shots,
  spareFrameUrl,
  startScene,
  tampered,
} from './scene.ts';

import { buildVerdictTable } from './verdict-table.ts';

/** Types into a field of a frame (or page) as a user would: its value, then an input event. */
const typeInto = (selector: string, value: string) =>
  `(() => { const el = document.querySelector(${JSON.stringify(selector)}); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); return true; })()`;

/** Clicks a button once it is enabled (it re-enables on the render after typing). */
const clickWhenEnabled = (selector: string) =>
  `new Promise((done) => { const t = setInterval(() => { const b = document.querySelector(${JSON.stringify(selector)}); if (b && !b.disabled) { clearInterval(t); b.click(); done(true); } }, 20); })`;

describe('locked: unlock in place (Firefox)', () => {
  it('a read while locked shows the mark colour and an unlock field; unlocking there shows the plaintext, no reload', async () => {
    const { canary, thread } = await lockedMailForBob(scene, bob, 'ff-locked-read', 'Read after unlock');
    const page = await bob.open(`${scene.webmail.url}/u/bob/t/${thread}?skin=gmail`);
    await bob.frameText('read', '[data-testid=locked] [data-testid=unlock-submit]');
    expect(
      await bob.inFrame(
        'read',
        `JSON.stringify([document.querySelectorAll('[data-testid=security-mark] img').length, document.querySelector('[data-testid=security-mark]').style.background.startsWith('rgb('), document.querySelector('[data-testid=failure]') === null])`,
      ),
    ).toBe('[0,true,true]');
    await bob.inFrame('read', 'window.__sameDocument = true');
    await bob.inFrame('read', typeInto('input[name=unlock-passphrase]', PASSPHRASE));
    await bob.inFrame('read', clickWhenEnabled('[data-testid=unlock-submit]'));
    expect(await bob.frameText('read', '[data-testid=plaintext]')).toContain(canary);
    expect(await bob.inFrame('read', 'window.__sameDocument === true')).toBe(true);
    expect(
      await bob.inFrame('read', `document.querySelectorAll('[data-testid=security-mark] img').length`),
    ).toBe(3);
    expect(await pageVisibleText(page)).not.toContain(canary);
    await page.close();
  });

  it('unlocking in the popup updates an open read frame and an open compose frame within a second', async () => {
    const { canary, thread } = await lockedMailForBob(scene, bob, 'ff-popup-unlock', 'Opened by the popup');
    const read = await bob.open(`${scene.webmail.url}/u/bob/t/${thread}?skin=outlook`);
    await bob.frameText('read', '[data-testid=locked] [data-testid=unlock-submit]');
    const compose = await bob.open(`${scene.webmail.url}/u/bob/compose?skin=plain&to=${ALICE}`);
    await compose.waitForSelector('[data-noise-overlay=compose-button]', { timeout: 30_000 });
    await compose.click('[data-noise-overlay=compose-button]');
    await bob.frameText('compose', '[data-testid=locked] [data-testid=unlock-submit]');
    const popup = await openFirefoxExtensionPage(bob.browser, `${bob.base}popup.html`);
    await poll(
      async () => ((await popup.$('input[name=unlock-passphrase]')) ? true : undefined),
      'the popup unlock field',
    );
    await popup.evaluate(typeInto('input[name=unlock-passphrase]', PASSPHRASE));
    await popup.evaluate(clickWhenEnabled('[data-testid=unlock-submit]'));
    await poll(
      async () => ((await popup.$('[data-testid=unlocked]')) ? true : undefined),
      'the popup unlocked',
    );
    const unlockedAt = Date.now();
    await Promise.all([
      bob.frameText('read', '[data-testid=plaintext]', 10_000),
      bob.frameText('compose', '[data-testid=compose] [data-testid=text]', 10_000),
    ]);
    const took = Date.now() - unlockedAt;
    console.log(`popup unlock → read and compose frames shown: ${took} ms (Firefox)`);
    expect(took).toBeLessThan(1000);
    expect(await bob.frameText('read', '[data-testid=plaintext]')).toContain(canary);
    await Promise.all([popup.close(), read.close(), compose.close()]);
  });
});

let scene: Scene;
let alice: FirefoxProfile;
let bob: FirefoxProfile;

beforeAll(async () => {
  [scene, alice, bob] = await Promise.all([
    startScene(),
    // Alice's browser is the German run: every flow of hers runs with the extension in German.
    launchFirefoxProfile(ALICE, 'de'),
    launchFirefoxProfile(BOB),
  ]);
  await setUpAccounts(scene, alice, bob);
}, 240_000);

afterAll(async () => {
  await alice?.close();
  await bob?.close();
  await scene?.stop();
});

const webmailModel = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __webmail: { model: { body: string; subject: string } } }).__webmail.model,
  ) as Promise<{ body: string; subject: string }>;

/** Opens the compose overlay on a webmail compose page and waits for the recipient's key status. */
async function composeOverlay(profile: FirefoxProfile, url: string, recipient: string, key: string) {
  const page = await profile.open(url);
  await page.waitForSelector('[data-noise-overlay=compose-button]', { timeout: 30_000 });
  await page.click('[data-noise-overlay=compose-button]');
  await profile.frameText('compose', `li[data-address="${recipient}"][data-key=${key}]`);
  return page;
}

/** Fills fields of the compose frame as typing does: the value, then an input event. */
function fillCompose(profile: FirefoxProfile, fields: Record<string, string>) {
  return profile.inFrame(
    'compose',
    `(() => {
      for (const [sel, v] of Object.entries(${JSON.stringify(fields)})) {
        const el = document.querySelector(sel);
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }
      return true;
    })()`,
  );
}

/** Ctrl+Enter in the compose frame's text field (the keyboard shortcut for Encrypt). */
function pressCtrlEnter(profile: FirefoxProfile) {
  return profile.inFrame(
    'compose',
    `document.querySelector('[data-testid=text]').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }))`,
  );
}

async function composeOutcome(profile: FirefoxProfile, timeoutMs = 30_000): Promise<string | null> {
  await profile.frameWait(
    'compose',
    `document.querySelector('[data-testid=compose-done], [data-testid=compose-failure]')`,
    'done or failure',
    timeoutMs,
  );
  return (await profile.inFrame(
    'compose',
    `document.querySelector('[data-testid=compose-failure]')?.textContent ?? null`,
  )) as string | null;
}

async function send(page: Page, timeoutMs = 30_000) {
  await Promise.all([page.waitForNavigation({ timeout: timeoutMs }), page.click('[data-wm=send]')]);
  expect(page.url()).toContain('sent=');
}

describe('read overlay (Firefox)', () => {
  it('one verdict table: the read frame and the CLI give the same verdict for each gpg-made mail', async () => {
    const table = await buildVerdictTable(scene);
    try {
      for (const c of table.cases) {
        const thread = await deliver(scene, 'bob', c.mail);
        const page = await bob.open(`${scene.webmail.url}/u/bob/t/${thread}?skin=gmail`);
        await bob.frameText('read', '[data-testid=verdict]');
        const shown = await bob.inFrame(
          'read',
          `document.querySelector('[data-testid=verdict]').dataset.verdictClass`,
        );
        expect(shown, c.name).toBe(c.expected);
        expect(await table.cliClass(c.mail), c.name).toBe(c.expected);
        if (c.expected.startsWith('claims-encryption')) {
          expect(await bob.frameText('read', '[data-testid=verdict-encrypted]')).toContain('Not encrypted');
        }
        await page.close();
      }
    } finally {
      table.cleanup();
    }
  });

  it('(3) a gpg-made encrypted and signed mail decrypts with a valid verdict', async () => {
    const canary = canaryFor('ff-gpg');
    const armored = await gpgEncryptedSigned(scene, `Hello Bob, ${canary}\n`);
    const thread = await deliver(scene, 'bob', eml(GPG_USER, BOB, 'From gpg', armored));
    const page = await bob.open(`${scene.webmail.url}/u/bob/t/${thread}?skin=outlook`);
    expect(await bob.frameText('read', '[data-testid=plaintext]')).toContain(canary);
    expect(await bob.frameText('read', '[data-testid=verdict-encrypted]')).toContain('Encrypted');
    expect(await bob.frameText('read', '[data-testid=verdict-signed]')).toContain(GPG_USER);
    expect(
      await bob.inFrame('read', `document.querySelector('[data-testid=verdict-mismatch]') === null`),
    ).toBe(true);
    expect(await pageVisibleText(page)).not.toContain(canary);
    await page.screenshot({ path: join(shots, 'firefox-read-gpg.png') });
    await page.close();
  });

  it('(5) tampered ciphertext shows the failure with no plaintext', async () => {
    const canary = canaryFor('ff-tamper');
    const armored = tampered(await gpgEncryptedSigned(scene, `${canary}\n${'x'.repeat(400)}\n`));
    const thread = await deliver(scene, 'bob', eml(GPG_USER, BOB, 'Tampered', armored));
    const page = await bob.open(`${scene.webmail.url}/u/bob/t/${thread}?skin=outlook`);
    await bob.frameText('read', '[data-testid=failure]');
    expect(['tampered', 'malformed']).toContain(
      await bob.inFrame('read', `document.querySelector('[data-testid=failure]').dataset.code`),
    );
    expect(await bob.inFrame('read', `document.querySelector('[data-testid=plaintext]') === null`)).toBe(
      true,
    );
    expect(await bob.inFrame('read', 'document.body.textContent')).not.toContain(canary);
    await page.screenshot({ path: join(shots, 'firefox-read-tampered.png') });
    await page.close();
  });

  it('(4) a mail signed by someone other than its From shows the warning', async () => {
    const armored = await gpgEncryptedSigned(scene, 'Please wire the money today.\n');
    // Shown as from mallory, signed by the gpg user.
    const thread = await deliver(scene, 'bob', eml(MALLORY, BOB, 'Urgent', armored));
    const page = await bob.open(`${scene.webmail.url}/u/bob/t/${thread}?skin=gmail`);
    const warning = await bob.frameText('read', '[data-testid=verdict-mismatch]');
    expect(warning).toContain(GPG_USER);
    expect(warning).toContain(MALLORY);
    await page.screenshot({ path: join(shots, 'firefox-read-mismatch.png') });
    await page.close();
  });

  it('a message added to an open page, as Gmail shows one, is read by the frame loaded ahead of need', async () => {
    const first = await gpgEncryptedSigned(scene, 'The first message of the thread.\n');
    const thread = await deliver(scene, 'bob', eml(GPG_USER, BOB, 'Thread', first));
    const page = await bob.open(`${scene.webmail.url}/u/bob/t/${thread}?skin=gmail`);
    await bob.frameText('read', '[data-testid=plaintext]');
    // The next spare is made a few seconds after a scan (content.ts SPARE_DELAY_MS), and binds.
    const spareUrl = await poll(
      async () => (await page.evaluate(spareFrameUrl)) ?? undefined,
      'a spare read frame',
    );
    await poll(
      async () => ((await bob.inFrameAt(spareUrl, `document.readyState`)) === 'complete' ? true : undefined),
      'the spare loaded',
    );
    const canary = canaryFor('ff-in-page');
    const armored = await gpgEncryptedSigned(scene, `Opened later, ${canary}\n`);
    await page.evaluate(addGmailMessage, { armored, sender: GPG_USER, id: 'inpage' });
    // The spare (same URL: moved, not reloaded) shows it, with the verdict.
    const text = await poll(async () => {
      const t = await bob.inFrameAt(
        spareUrl,
        `document.querySelector('[data-testid=plaintext]')?.textContent ?? null`,
      );
      return typeof t === 'string' ? t : undefined;
    }, 'plaintext in the spare frame');
    expect(text).toContain(canary);
    expect(
      await bob.inFrameAt(spareUrl, `document.querySelector('[data-testid=verdict-signed]').textContent`),
    ).toContain(GPG_USER);
    expect(await page.evaluate(messageIdOfFrame, spareUrl)).toBe('#msg-f:inpage');
    expect(await pageVisibleText(page)).not.toContain(canary);
    await page.close();
  });
});

describe('compose overlay (Firefox)', () => {
  it('(1) alice writes in the Gmail-like skin (native envelope), bob reads in the Outlook-like skin, signed', async () => {
    const canary = canaryFor('ff-native');
    const page = await composeOverlay(
      alice,
      `${scene.webmail.url}/u/alice/compose?skin=gmail&to=${BOB}`,
      BOB,
      'native',
    );
    expect(await alice.frameText('compose', '[data-testid=format]')).toContain('native');
    // The German run: the frame speaks German; the mark is drawn from the bundled pictures.
    expect(await alice.inFrame('compose', 'document.documentElement.lang')).toBe('de');
    expect(await alice.frameText('compose', '[data-testid=encrypt]')).toBe(de.composeEncrypt);
    const aliceMark = await alice.command<{ pictures: string[] }>('securityMark.get', {});
    await alice.frameText('compose', '[data-testid=security-mark] img[data-picture]');
    expectMarkFromBundledSvg(
      (await alice.inFrame('compose', `(${markReport.toString()})()`)) as string,
      aliceMark,
    );
    await fillCompose(alice, {
      '[data-testid=subject]': 'Secret plans',
      '[data-testid=text]': `Hi Bob, ${canary}`,
    });
    await page.screenshot({ path: join(shots, 'firefox-compose-gmail.png') });
    await pressCtrlEnter(alice);
    expect(await composeOutcome(alice)).toBeNull();
    // Collapsed to the next step, in German, with the plaintext gone from the frame.
    expect(await alice.frameText('compose', '[data-testid=compose-done]')).toContain(de.composeInserted);
    expect(
      await alice.inFrame(
        'compose',
        `document.documentElement.outerHTML.includes(${JSON.stringify(canary)})`,
      ),
    ).toBe(false);
    // The webmail's own model (what its Send reads) holds the armored envelope.
    const model = await webmailModel(page);
    expect(model.body).toContain('-----BEGIN NOISE ENVELOPE-----');
    expect(model.body).not.toContain(canary);
    expect(model.subject).toBe('[...]');
    expect(await pageVisibleText(page)).not.toContain(canary);
    await send(page);
    await page.close();

    const delivered = (await inbox(scene, 'bob')).find((m) => m.subject === '[...]');
    expect(delivered).toBeTruthy();
    const read = await bob.open(`${scene.webmail.url}/u/bob/t/${delivered?.threadId}?skin=outlook`);
    expect(await bob.frameText('read', '[data-testid=plaintext]')).toContain(canary);
    expect(await bob.frameText('read', '[data-testid=subject]')).toBe('Secret plans');
    expect(await bob.frameText('read', '[data-testid=verdict-encrypted]')).toContain('Noise envelope');
    expect(await bob.frameText('read', '[data-testid=verdict-signed]')).toContain(ALICE);
    expect(
      await bob.inFrame('read', `document.querySelector('[data-testid=verdict-mismatch]') === null`),
    ).toBe(true);
    const bobMark = await bob.command<{ pictures: string[] }>('securityMark.get', {});
    expectMarkFromBundledSvg((await bob.inFrame('read', `(${markReport.toString()})()`)) as string, bobMark);
    expect(await pageVisibleText(read)).not.toContain(canary);
    await read.screenshot({ path: join(shots, 'firefox-read-outlook.png') });
    await read.close();
  });

  it('(2) alice writes to a gpg user; the .eml the webmail exports decrypts and verifies in gpg', async () => {
    const canary = canaryFor('ff-to-gpg');
    await alice.command('contacts.import', { armoredKey: await gpgArmoredKey(scene, GPG_USER) });
    await gpgImportFromDirectory(scene, ALICE);
    const url = `${scene.webmail.url}/u/alice/compose?skin=plain&to=${GPG_USER}`;
    const page = await composeOverlay(alice, url, GPG_USER, 'pgp');
    expect(await alice.frameText('compose', '[data-testid=format]')).toContain('OpenPGP');
    await fillCompose(alice, {
      '[data-testid=subject]': 'For gpg',
      '[data-testid=text]': `Hello gpg, ${canary}`,
    });
    await page.screenshot({ path: join(shots, 'firefox-compose-plain-gpg.png') });
    await pressCtrlEnter(alice);
    expect(await composeOutcome(alice)).toBeNull();
    const before = await outboundIds(scene);
    await send(page);
    await page.close();

    const { outer, status, inner } = await outboundThroughGpg(scene, before);
    expect(outer.subject).toBe('[...]');
    expect(outer.text).not.toContain(canary);
    expect(status).toContain('DECRYPTION_OKAY');
    expect(status).toContain('GOODSIG');
    expect(status).toContain(ALICE);
    expect(inner.subject).toBe('For gpg');
    expect(inner.text).toContain(canary);
  });

  it('(6) a 10 MB attachment round-trips with the progress bar shown', async () => {
    const file = bigFile();
    const url = `${scene.webmail.url}/u/alice/compose?skin=plain&to=${BOB}`;
    const page = await composeOverlay(alice, url, BOB, 'native');
    await fillCompose(alice, {
      '[data-testid=subject]': 'Big file',
      '[data-testid=text]': 'The file is attached.',
    });
    await alice.frameSetFiles('compose', '[data-testid=files]', [file.path]);
    // Read into the frame: listed, and its "Reading files…" bar gone (Encrypt waits for it).
    await alice.frameWait(
      'compose',
      `document.querySelector('[data-testid=file-list]') && !document.querySelector('[data-testid=progress]')`,
      'file read',
      60_000,
    );
    await pressCtrlEnter(alice);
    await alice.frameWait(
      'compose',
      `document.querySelector('[data-testid=progress] progress')`,
      'progress bar',
      10_000,
    );
    // The overlay itself (the bar sits below the fold of the page).
    await (await page.$('iframe[data-noise-overlay=compose]'))?.screenshot({
      path: join(shots, 'firefox-compose-progress.png'),
    });
    expect(await composeOutcome(alice, 120_000)).toBeNull();
    await send(page, 180_000);
    await page.close();

    const big = (await inbox(scene, 'bob')).find((m) => m.size > BIG_BYTES);
    expect(big).toBeTruthy();
    const read = await bob.open(`${scene.webmail.url}/u/bob/t/${big?.threadId}?skin=plain`, 180_000);
    await bob.frameText('read', '[data-testid=attachments]', 180_000);
    expect(await bob.frameText('read', '[data-testid=subject]')).toBe('Big file');
    await read.screenshot({ path: join(shots, 'firefox-read-attachment.png') });
    await bob.inFrame('read', `document.querySelector('[data-testid=download]').click()`);
    // Firefox writes big.bin.part first and renames it when the download completes.
    const saved = join(bob.downloads, 'big.bin');
    await poll(
      async () =>
        readdirSync(bob.downloads).includes('big.bin') && statSync(saved).size === BIG_BYTES
          ? true
          : undefined,
      'big.bin downloaded',
      60_000,
    );
    expect(readFileSync(saved).equals(file.data)).toBe(true);
    await read.close();
    file.remove();
  }, 480_000);
});

describe('pinned envelope identities and replays (Firefox)', () => {
  it('a changed envelope identity shows the change warning in compose and read; a replayed envelope is refused', async () => {
    const carol = await nativeSender(scene);
    const outlook = (thread: string) => `${scene.webmail.url}/u/bob/t/${thread}?skin=outlook`;

    // Bob reads carol's first message: her identity (the directory's) is pinned on first sight.
    const canary = canaryFor('ff-carol-first');
    const first = await carol.sealTo(BOB, 'From carol', `First message, ${canary}`);
    const thread = await deliver(scene, 'bob', eml(CAROL, BOB, '[...]', first));
    let page = await bob.open(outlook(thread));
    expect(await bob.frameText('read', '[data-testid=plaintext]')).toContain(canary);
    expect(await bob.frameText('read', '[data-testid=verdict-identity-new]')).toContain(CAROL);
    await page.close();

    // The same envelope delivered again in another message: refused, with why.
    page = await bob.open(outlook(await deliver(scene, 'bob', eml(CAROL, BOB, '[...]', first))));
    expect(await bob.frameText('read', '[data-testid=failure]')).toContain('replay');
    expect(await bob.inFrame('read', `document.querySelector('[data-testid=failure]').dataset.code`)).toBe(
      'duplicate',
    );
    expect(await bob.inFrame('read', 'document.body.textContent')).not.toContain(canary);
    await page.close();
    // The first message again: shown from the copy kept when it was opened.
    page = await bob.open(outlook(thread));
    expect(await bob.frameText('read', '[data-testid=verdict-reread]')).toBeTruthy();
    expect(await bob.frameText('read', '[data-testid=plaintext]')).toContain(canary);
    await page.close();

    // Alice seals to carol once: carol's identity is pinned in alice's contacts.
    const compose = `${scene.webmail.url}/u/alice/compose?skin=gmail&to=${CAROL}`;
    page = await composeOverlay(alice, compose, CAROL, 'native][data-pin=new');
    await fillCompose(alice, { '[data-testid=text]': 'Hello carol' });
    await pressCtrlEnter(alice);
    expect(await composeOutcome(alice)).toBeNull();
    await page.close();

    // The directory now binds another identity to carol's address.
    await carol.replaceIdentity();

    // Alice's compose shows the change and falls back to OpenPGP to the key she pinned.
    page = await composeOverlay(alice, compose, CAROL, 'pgp][data-pin=changed');
    expect(await alice.frameText('compose', '[data-testid=identity-changed]')).toContain(CAROL);
    expect(await alice.frameText('compose', '[data-testid=format]')).toContain('OpenPGP');
    await page.screenshot({ path: join(shots, 'firefox-compose-identity-changed.png') });
    await page.close();

    // Bob reads a message signed by the new identity: the warning, and not "the sender".
    const second = await carol.sealTo(BOB, 'From carol', 'Please use my new key.');
    page = await bob.open(outlook(await deliver(scene, 'bob', eml(CAROL, BOB, '[...]', second))));
    expect(await bob.frameText('read', '[data-testid=verdict-identity-changed]')).toContain(CAROL);
    expect(await bob.frameText('read', '[data-testid=verdict]')).not.toContain('the sender');
    await page.screenshot({ path: join(shots, 'firefox-read-identity-changed.png') });
    await page.close();
  });
});

describe('hostile page (Firefox, docs/threat-model.md: the webmail page)', () => {
  const captured = (page: Page) => page.evaluate(hostileCaptured);

  it('never obtains the plaintext of a message read on it', async () => {
    const canary = canaryFor('ff-hostile-read');
    const armored = await gpgEncryptedSigned(scene, `${canary}\n`);
    const page = await bob.open(`${scene.webmail.url}/hostile?message=${encodeURIComponent(armored)}`);
    expect(await bob.frameText('read', '[data-testid=plaintext]')).toContain(canary);
    await new Promise((r) => setTimeout(r, 600)); // several of the page's own scans
    const seen = await captured(page);
    for (const secret of forbidden(canary)) expect(seen).not.toContain(secret);
    expect(seen).toContain('frame-blocked'); // it tried to read our frame and was refused
    await page.close();
  });

  it('never obtains the plaintext of a message composed on it', async () => {
    const canary = canaryFor('ff-hostile-compose');
    const page = await alice.open(`${scene.webmail.url}/hostile`);
    await page.waitForSelector('[data-noise-overlay=compose-button]', { timeout: 30_000 });
    await page.click('[data-noise-overlay=compose-button]');
    // The page lays a look-alike over our frame; the frame is driven in its own context.
    const remove = 'li[data-address="bob@webmail.localhost"] [data-testid=remove-recipient]';
    await alice.frameText('compose', remove);
    await alice.inFrame('compose', `document.querySelector(${JSON.stringify(remove)}).click()`);
    const add = '[data-testid=add-recipient]';
    await fillCompose(alice, { [add]: BOB });
    await alice.inFrame(
      'compose',
      `document.querySelector(${JSON.stringify(add)}).dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }))`,
    );
    await alice.frameText('compose', `li[data-address="${BOB}"][data-key=native]`);
    await fillCompose(alice, { '[data-testid=text]': `Top secret: ${canary}` });
    await pressCtrlEnter(alice);
    expect(await composeOutcome(alice)).toBeNull();
    const body = await page.$eval('textarea[name=body]', (t) => (t as HTMLTextAreaElement).value);
    expect(body).toContain('-----BEGIN NOISE ENVELOPE-----');
    await new Promise((r) => setTimeout(r, 600));
    const seen = await captured(page);
    for (const secret of forbidden(canary)) expect(seen).not.toContain(secret);
    expect(seen).toContain('BEGIN NOISE ENVELOPE'); // it does see the ciphertext, as intended
    await page.screenshot({ path: join(shots, 'firefox-hostile-compose.png') });
    await page.close();
  });
});

describe('sessions after the suite (Firefox)', () => {
  it('each profile has one session: reads and composes made none', async () => {
    for (const profile of [alice, bob]) {
      const sessions = await profile.command<{ current: boolean }[]>('sessions.list', {});
      expect(sessions.map((s) => s.current)).toEqual([true]);
    }
  });
});
