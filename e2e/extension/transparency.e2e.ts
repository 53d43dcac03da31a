// Key transparency attacks end to end (docs/spec/transparency-v1.md §7.3, §9), in Chromium and
// Firefox with the built extension against a real `wrangler dev` Worker whose test switch plays
// a dishonest directory: a key not in the log is refused; a key logged for the user's own
// address that the account never published raises the self-monitoring alarm; a forked history
// shown to this client raises the fork alarm once the client sees the real one. Alarms show in
// the options page with their evidence. One browser launch per browser for the whole file.

import 'fake-indexeddb/auto';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransparencyView } from '../../extension/messages/protocol.ts';
import {
  BROWSERS,
  type ExtensionBrowser,
  type ExtensionPage,
  launchWithExtension,
} from '../browsers/launch.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { type AccountProfile, createAccount, type Reply } from '../overlays/profiles.ts';
import { registerWithVault } from './background-device.ts';

let worker: WorkerServer;
beforeAll(async () => {
  // The test switch (never in wrangler.toml; honoured only in development).
  worker = await startWorker({ vars: { TRANSPARENCY_TEST_SWITCH: 'attacks' } });
});
afterAll(async () => {
  await worker?.stop();
});

async function attack(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${worker.url}/api/v1/test/transparency${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

const checkpointSize = async () =>
  Number((await (await fetch(`${worker.url}/api/v1/log/checkpoint`)).text()).split('\n')[1]);

/** Until the log has signed a checkpoint beyond `size` (it signs at most every 2 s). */
async function signedBeyond(size: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await checkpointSize()) <= size) {
    if (Date.now() > deadline) throw new Error('no newer checkpoint');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A key the attacker controls, with a user ID for the victim's contact (so it looks right). */
async function malloryKeyFor(address: string) {
  const { publicKey } = await openpgp.generateKey({ userIDs: [{ email: address }], format: 'object' });
  return { armored: publicKey.armor(), fingerprint: publicKey.getFingerprint().toUpperCase() };
}

describe.each(BROWSERS)('key transparency in %s', (name) => {
  const me = `tl-${name}@example.org`;
  const bob = `tl-bob-${name}@noise.localhost`;
  let browser: ExtensionBrowser;
  let popup: ExtensionPage;

  /** The background's reply to a command, from one of the extension's own pages. */
  async function command<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const r = await popup.evaluate(
      ([c, a]) =>
        (
          ((globalThis as { browser?: unknown }).browser ?? (globalThis as { chrome?: unknown }).chrome) as {
            runtime: { sendMessage(m: unknown): Promise<unknown> };
          }
        ).runtime.sendMessage({ cmd: c, args: a }),
      [cmd, args] as [string, Record<string, unknown>],
    );
    return r as T;
  }
  const ok = async <T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> => {
    const r = await command<Reply<T>>(cmd, args);
    if (!r?.ok) throw new Error(`${cmd}: ${r?.error?.code} ${r?.error?.message}`);
    return r.value as T;
  };
  const refused = async (cmd: string, args: Record<string, unknown>) => {
    const r = await command<Reply<unknown>>(cmd, args);
    expect(r?.ok).toBe(false);
    return r?.error ?? { code: '', message: '' };
  };

  async function optionsAlarm(): Promise<{ banner: string; section: string; kind: string | null }> {
    const page = await browser.open('options.html');
    try {
      const banner = await page.waitFor('[data-testid=transparency-alarm]');
      const section = await page.waitFor('[data-testid=transparency-alarms]');
      const kind = await page.evaluate(
        () => document.querySelector('[data-testid=transparency-alarm]')?.getAttribute('data-kind') ?? null,
      );
      return { banner, section, kind };
    } finally {
      await page.close();
    }
  }

  beforeAll(async () => {
    browser = await launchWithExtension(name);
    popup = await browser.open('popup.html');
    const profile: AccountProfile = { address: me, command: ok };
    await createAccount(profile, worker);
    await registerWithVault(worker.url, bob);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a key not in the log is refused with the reason, and the logged key is used once it is served again', async () => {
    const mallory = await malloryKeyFor(bob);
    await attack('POST', '/unlogged-key', { address: bob, armoredKey: mallory.armored });
    const error = await refused('contacts.lookup', { address: bob });
    expect(error.code).toBe('transparency_failed');
    expect(error.message).toMatch(new RegExp(`${bob.replace('.', '\\.')} failed its transparency check`));
    expect(await ok<{ kind: string }[]>('log.list')).toContainEqual(
      expect.objectContaining({ kind: 'transparency_refused' }),
    );
    await attack('DELETE', '');
    const contact = await ok<{ fingerprint: string }>('contacts.lookup', { address: bob });
    expect(contact.fingerprint).not.toBe(mallory.fingerprint);
  });

  it('a key logged for my own address that I never published raises the self-monitoring alarm', async () => {
    const mallory = await malloryKeyFor(me);
    const before = await checkpointSize();
    await attack('POST', '/foreign-key', { address: me, fingerprint: mallory.fingerprint });
    // Self-monitoring reads up to a signed checkpoint: wait for the one that covers the leaf.
    await signedBeyond(before);
    const view = await ok<TransparencyView>('transparency.check');
    const alarm = view.alarms.find((a) => a.kind === 'foreign_key');
    expect(alarm?.detail).toContain(me);
    expect(alarm?.evidence).toHaveLength(2);
    const shown = await optionsAlarm();
    expect(shown.kind).toBe('foreign_key');
    expect(shown.banner).toContain(me);
  });

  it('a forked history shown to this client raises the fork alarm when the real one comes back', async () => {
    await ok('contacts.lookup', { address: bob });
    const mallory = await malloryKeyFor(bob);
    await attack('POST', '/fork', { address: bob, armoredKey: mallory.armored });
    // Inside the fork the served key verifies: a split view is invisible until histories meet.
    const forked = await ok<{ pendingChange: { fingerprint: string; loggedAt: number | null } | null }>(
      'contacts.lookup',
      { address: bob },
    );
    expect(forked.pendingChange?.fingerprint).toBe(mallory.fingerprint);
    expect(forked.pendingChange?.loggedAt).toEqual(expect.any(Number));
    await attack('DELETE', '');
    // The real log moves on past the fork's size.
    await registerWithVault(worker.url, `tl-later-${name}@noise.localhost`);
    const error = await refused('contacts.lookup', { address: bob });
    expect(error.code).toBe('transparency_alarm');
    const view = await ok<TransparencyView>('transparency.status');
    const fork = view.alarms.find((a) => a.kind === 'inconsistent_checkpoint');
    expect(fork?.evidence).toHaveLength(2);
    for (const note of fork?.evidence ?? []) expect(note).toMatch(/^noise\.localhost\/log\n\d+\n/);
    expect(fork?.evidence[0]).not.toBe(fork?.evidence[1]);
    const shown = await optionsAlarm();
    expect(shown.kind).toBe('inconsistent_checkpoint');
    expect(shown.section).toContain('noise.localhost/log');
  });
});
