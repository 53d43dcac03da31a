// The extension end to end, in real Chromium and real Firefox against a local `wrangler dev`
// Worker: create an account (code read from the .eml the Worker sent), lock and unlock, a
// contact lookup and a key change warning, a gpg-made key imported, restore in a fresh
// profile with identical fingerprints, five wrong passphrases → lockout, and axe-core checks.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARK_PICTURES } from '../../extension/overlay/security-mark.ts';
import {
  BROWSERS,
  type ExtensionBrowser,
  type ExtensionPage,
  launchWithExtension,
} from '../browsers/launch.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { readmeShot } from '../screenshots/readme-shots.ts';
import { axeViolations, fingerprints, PASSPHRASE } from './pages.ts';
import { gpgSecretKey, publishContact, verificationCode } from './support.ts';

const shots = resolve(import.meta.dirname, '../../test-output/extension');
mkdirSync(shots, { recursive: true });

let worker: WorkerServer;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  if (process.env.NOISE_E2E_LOG) console.log(worker?.log.join('\n'));
  await worker?.stop();
});

describe.each(BROWSERS)('extension in %s', (name) => {
  const address = `${name}-user@example.org`;
  const inbox = `${name}-inbox@noise.localhost`;
  let first: ExtensionBrowser;
  let options: ExtensionPage;
  let created: { pgp: string; envelope: string };
  let current: { pgp: string; envelope: string };
  let mark = '';
  let recoveryCode = '';

  beforeAll(async () => {
    first = await launchWithExtension(name);
  });
  afterAll(async () => {
    await first?.close();
  });

  it('creates an account: verified address, strong passphrase, keys made in the extension', async () => {
    const page = await first.open('onboarding.html');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('[data-testid=choose-create]');
    await page.fill('input[name=server]', worker.url);
    await page.fill('input[name=address]', address);
    await page.click('[data-testid=send-code]');
    await page.waitFor('input[name=code]');
    await page.fill('input[name=code]', await verificationCode(worker.log, address));
    await page.fill('input[name=inbox]', inbox);
    await page.fill('input[name=passphrase]', 'password1');
    // zxcvbn-ts rates it weak; the create button stays disabled.
    await page.waitFor(
      '[data-testid=strength]:is([data-score="0"], [data-score="1"], [data-score="2"])',
      60_000,
    );
    await page.fill('input[name=passphrase]', PASSPHRASE);
    await page.fill('input[name=confirm]', PASSPHRASE);
    await page.waitFor('[data-testid=strength][data-score="4"]', 60_000);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot(join(shots, `${name}-onboarding-create.png`));
    if (name === 'chromium') await readmeShot('onboarding', (path) => page.screenshot(path, true));
    const started = Date.now();
    await page.click('[data-testid=create-submit]');
    await waitOrFail(page, '[data-testid=onboarding-done]', 90_000);
    console.log(`${name}: create took ${Date.now() - started} ms`);
    created = await fingerprints(page);
    current = created;
    // The security mark is introduced here: three pictures, named for screen readers.
    await page.waitFor('[data-testid=security-mark-panel] [data-testid=security-mark] img');
    mark = await shownMark(page);
    expect(mark.split(' ')).toHaveLength(3);
    // The recovery sheet's code, for the forgotten-passphrase test at the end.
    await page.click('[data-testid=make-recovery]');
    recoveryCode = (await page.waitFor('[data-testid=recovery-code]', 60_000)).trim();
    expect(recoveryCode.length).toBeGreaterThan(20);
    expect(created.pgp).toMatch(/^[0-9A-F]{40}$/);
    expect(created.envelope).toMatch(/^[0-9A-F]{64}$/);
    // The directory publishes the key made in the browser.
    const lookup = await (await fetch(`${worker.url}/api/v1/lookup/by-email/${address}`)).json();
    expect(lookup.fingerprint).toBe(created.pgp);
    // The claimed service inbox is bound to the same key.
    const byInbox = await (await fetch(`${worker.url}/api/v1/lookup/by-email/${inbox}`)).json();
    expect(byInbox.fingerprint).toBe(created.pgp);
    await page.screenshot(join(shots, `${name}-onboarding-done.png`));
    await page.close();
  });

  it('locks on demand and unlocks with the passphrase', async () => {
    options = await first.open('options.html');
    await options.waitFor('[data-testid=unlocked]');
    await options.waitFor('[data-testid=security-mark-panel] [data-testid=security-mark]');
    await page320(options);
    await options.click('[data-testid=lock]');
    await options.waitFor('[data-testid=unlock-form]');
    await options.fill('input[name=unlock-passphrase]', PASSPHRASE);
    await options.click('[data-testid=unlock-submit]');
    await options.waitFor('[data-testid=identity]', 60_000);
    expect(await fingerprints(options)).toEqual(created);
    // The same mark in options; a new one can be drawn, and it is kept.
    await options.waitFor('[data-testid=security-mark-panel] [data-testid=security-mark] img');
    expect(await shownMark(options)).toBe(mark);
    await options.click('[data-testid=security-mark-renew]');
    await options.evaluate(
      (old) =>
        new Promise<void>((done) => {
          const t = setInterval(() => {
            const now = (document.querySelector('[data-testid=security-mark]') as HTMLElement | null)?.dataset
              .pictures;
            if (now && now !== old) {
              clearInterval(t);
              done();
            }
          }, 50);
        }),
      mark,
    );
    mark = await shownMark(options);
    // The sessions section lists this device's server session, with a labelled revoke button.
    await options.waitFor('[data-testid=sessions] tr[data-current=true] button[aria-label]', 30_000);
    await options.setViewport(1024, 800);
    expect(await axeViolations(options)).toEqual([]);
    if (name === 'chromium')
      await readmeShot('options', async (path) => {
        await options.evaluate(() => window.scrollTo(0, 0));
        await options.screenshot(path, true);
      });
  });

  it('the help page and the popup pass axe; the popup links to the help', async () => {
    const help = await first.open('help.html');
    await help.waitFor('[data-testid=help] #verdicts');
    expect(await axeViolations(help)).toEqual([]);
    await help.close();
    const popup = await first.open('popup.html');
    await popup.waitFor('[data-testid=unlocked]');
    expect(
      await popup.evaluate(() => document.querySelector('[data-testid=help-link]')?.getAttribute('href')),
    ).toMatch(/help\.html#mark$/);
    expect(await axeViolations(popup)).toEqual([]);
    await popup.close();
  });

  it('looks a contact up, then warns when the directory returns a different key', async () => {
    const contactAddress = `${name}-bob@noise.localhost`;
    const contact = await publishContact(worker.url, contactAddress);
    await options.fill('input[name=lookup-address]', contactAddress);
    await options.click('[data-testid=lookup-submit]');
    await waitOrFail(options, `[data-testid=contact][data-address="${contactAddress}"]`, 30_000);
    expect(await options.text(`[data-testid=contact][data-address="${contactAddress}"]`)).toContain(
      contact.fingerprint.slice(0, 4),
    );
    const replaced = await contact.replaceKey();
    await options.click('[data-testid=lookup-submit]');
    const warning = await options.waitFor('[data-testid=key-change-warning]');
    expect(warning).toContain(replaced.replace(/(.{4})/g, '$1 ').trim());
    // The pinned key was not replaced.
    expect(await options.text(`[data-testid=contact][data-address="${contactAddress}"] code`)).toContain(
      contact.fingerprint.slice(0, 4),
    );
    await options.screenshot(join(shots, `${name}-keyring.png`));
  });

  it('imports a gpg-generated secret key as the identity PGP key and publishes it', async () => {
    const gpgKey = gpgSecretKey(address, 'gpg key passphrase');
    await options.fill('textarea[name=import-key]', gpgKey.armored);
    await options.fill('input[name=import-passphrase]', 'gpg key passphrase');
    await options.click('[data-testid=import-submit]');
    await options.waitFor('[data-testid=import-done]', 30_000);
    await options.waitFor(`[data-testid=fp-pgp][data-value="${gpgKey.fingerprint}"]`);
    const lookup = await (await fetch(`${worker.url}/api/v1/lookup/by-email/${address}`)).json();
    expect(lookup.fingerprint).toBe(gpgKey.fingerprint);
    current = { ...created, pgp: gpgKey.fingerprint };
  });

  /** Restores the account in a fresh profile with `passphrase`; returns its fingerprints. */
  async function restoreElsewhere(passphrase: string) {
    const second = await launchWithExtension(name);
    try {
      const page = await second.open('onboarding.html');
      await page.click('[data-testid=choose-restore]');
      await page.fill('input[name=server]', worker.url);
      await page.fill('input[name=address]', address);
      await page.fill('input[name=passphrase]', passphrase);
      await page.click('[data-testid=restore-submit]');
      await waitOrFail(page, '[data-testid=onboarding-done]', 90_000);
      return await fingerprints(page);
    } finally {
      await second.close();
    }
  }

  it('restores in a second, fresh profile with identical fingerprints', async () => {
    expect(await restoreElsewhere(PASSPHRASE)).toEqual(current);
  });

  it('locks out after five wrong passphrases and logs it', async () => {
    await options.click('[data-testid=lock]');
    for (let i = 1; i <= 5; i++) {
      await options.fill('input[name=unlock-passphrase]', `wrong passphrase ${i}`);
      await options.click('[data-testid=unlock-submit]');
      if (i < 5) await waitForText(options, '.error', `${5 - i} tries left`);
    }
    const notice = await options.waitFor('[data-testid=lockout]', 30_000);
    expect(notice).toMatch(/blocked until/);
    expect(
      await options.evaluate(
        () => (document.querySelector('[data-testid=unlock-submit]') as HTMLButtonElement).disabled,
      ),
    ).toBe(true);
    await options.screenshot(join(shots, `${name}-lockout.png`));
    // The 320 px toolbar popup shows the same lockout, keyboard- and screen-reader-clean.
    const popup = await first.open('popup.html');
    await page320(popup);
    expect(await popup.waitFor('[data-testid=lockout]')).toMatch(/blocked until/);
    expect(await axeViolations(popup)).toEqual([]);
    await popup.close();
    // Even the right passphrase is refused now.
    const refused = await options.evaluate(async (pw: string) => {
      const b =
        (globalThis as unknown as { chrome?: typeof browser; browser?: typeof browser }).browser ??
        (globalThis as unknown as { chrome: typeof browser }).chrome;
      return b.runtime.sendMessage({ cmd: 'unlock', args: { passphrase: pw } });
    }, PASSPHRASE);
    expect(refused).toMatchObject({ ok: false, error: { code: 'locked_out' } });
    // Nor can the old passphrase be guessed through the forgotten-passphrase form instead.
    const viaRecovery = await options.evaluate(async (pw: string) => {
      const b =
        (globalThis as unknown as { chrome?: typeof browser; browser?: typeof browser }).browser ??
        (globalThis as unknown as { chrome: typeof browser }).chrome;
      return b.runtime.sendMessage({
        cmd: 'account.recover',
        args: { passphrase: pw, newPassphrase: 'another long passphrase for the test 42' },
      });
    }, PASSPHRASE);
    expect(viaRecovery).toMatchObject({ ok: false, error: { code: 'locked_out' } });
  });

  it('a locked-out user sets a new passphrase with the recovery code, here and on the Worker', async () => {
    const newPassphrase = `${PASSPHRASE} renewed`;
    await options.click('[data-testid=recover-open]');
    await options.waitFor('[data-testid=recover-form]');
    await options.fill('input[name=recovery-secret]', recoveryCode);
    await options.fill('input[name=new-passphrase]', newPassphrase);
    await options.fill('input[name=confirm-passphrase]', newPassphrase);
    await options.waitFor('[data-testid=recover-form] [data-testid=strength][data-score="4"]', 60_000);
    expect(await axeViolations(options)).toEqual([]);
    await options.click('[data-testid=recover-submit]');
    await waitOrFail(options, '[data-testid=unlocked]', 90_000);
    // The lockout is over and only the new passphrase opens the keys.
    await options.click('[data-testid=lock]');
    await options.fill('input[name=unlock-passphrase]', PASSPHRASE);
    await options.click('[data-testid=unlock-submit]');
    await waitForText(options, '.error', 'tries left');
    await options.fill('input[name=unlock-passphrase]', newPassphrase);
    await options.click('[data-testid=unlock-submit]');
    await options.waitFor('[data-testid=identity]', 60_000);
    expect(await fingerprints(options)).toEqual(current);
    // The Worker took the new passphrase too: a fresh profile restores with it.
    expect(await restoreElsewhere(newPassphrase)).toEqual(current);
  });
});

/** Waits for `selector`, failing at once with the page's error message if one shows up. */
async function waitOrFail(page: ExtensionPage, selector: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.text(selector)) return;
    const error = await page.text('[role=alert]');
    if (error) throw new Error(`page error while waiting for ${selector}: ${error}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${selector}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function waitForText(page: ExtensionPage, selector: string, text: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.text(selector)).includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" did not appear in ${selector}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The picture ids of the security mark a page shows ("fox cactus balloon"). */
function shownMark(page: ExtensionPage): Promise<string> {
  return page.evaluate(
    () =>
      (document.querySelector('[data-testid=security-mark-panel] [data-testid=security-mark]') as HTMLElement)
        .dataset.pictures ?? '',
  );
}

/** The widest mark there is: the three longest names. Marks are random, so test the worst one. */
const LONGEST_MARK = [...MARK_PICTURES]
  .sort((a, b) => b.length - a.length)
  .slice(0, 3)
  .map((id) => id.replace(/-/g, ' '));

/**
 * The page fits a 320 px popup without sideways scrolling. A security mark on it is first given
 * the longest names there are; what sticks out is named in the failure.
 */
async function page320(page: ExtensionPage) {
  await page.setViewport(320, 640);
  const sticking = await page.evaluate((longest: string[]) => {
    const shown = [...document.querySelectorAll('[data-testid=security-mark] .names')];
    const kept = shown.map((e) => e.textContent);
    for (const e of shown) e.textContent = longest.join(', ');
    const width = document.documentElement.clientWidth;
    const out =
      document.documentElement.scrollWidth <= width
        ? []
        : [...document.querySelectorAll('body *')]
            // Wide tables scroll inside their own .table-wrap; that is not the page overflowing.
            .filter((e) => e.getBoundingClientRect().right > width + 0.5 && !e.closest('.table-wrap'))
            .map((e) => `${e.tagName.toLowerCase()}.${e.className} "${(e.textContent ?? '').slice(0, 50)}"`);
    shown.forEach((e, i) => {
      e.textContent = kept[i] ?? '';
    });
    return out;
  }, LONGEST_MARK);
  expect(sticking).toEqual([]);
}

declare const browser: { runtime: { sendMessage(m: unknown): Promise<unknown> } };
