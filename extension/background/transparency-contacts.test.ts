// Contacts and the options page's commands with key transparency (docs/spec/transparency-v1.md
// §9.1, §9.4), through the background's own handlers over a directory whose log is real (in
// memory): a logged key change comes with the time the log recorded it; an answer the log does
// not name is refused and never replaced by a key server's; status and pins for the options page.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { memorySessionStore } from '../../shared/api/session-store.ts';
import { generateKey } from '../../shared/pgp/keys.ts';
import { TestLogServer } from '../../shared/transparency/test/log-server.ts';
import { MemoryLog } from '../../shared/transparency/test/memory-log.ts';
import { openDatabase } from '../store/db.ts';
import { defaultSettings, Records } from '../store/records.ts';
import type { AccountSecrets } from './account.ts';
import { Custody, memorySessionArea } from './custody.ts';
import { createAccountServer } from './server.ts';
import { createHandlers } from './service.ts';
import { withLogRoutes } from './transparency-test-support.ts';

const SERVER = 'https://keys.example';
const BOB = 'bob@example.org';
const keyFor = async () => {
  const k = await generateKey({ userIds: [{ email: BOB }], passphrase: 'x' });
  return { armored: k.publicKey, fingerprint: k.fingerprint };
};

afterEach(() => vi.restoreAllMocks());

async function setUp() {
  const log = new TestLogServer();
  const keys = { logged: await keyFor(), shown: null as Awaited<ReturnType<typeof keyFor>> | null };
  const fetcher = withLogRoutes(log, (async (input: RequestInfo | URL) => {
    const path = new URL(String(input)).pathname;
    if (path !== `/api/v1/lookup/by-email/${encodeURIComponent(BOB)}`)
      return new Response(null, { status: 404 });
    const shown = keys.shown ?? keys.logged;
    return Response.json({
      fingerprint: shown.fingerprint,
      keyId: shown.fingerprint.slice(-16),
      addresses: [BOB],
      createdAt: 1,
      updatedAt: 1,
      revoked: false,
      openpgpKey: shown.armored,
      envelope: false,
      envelopeIdentity: null,
      transparency: log.prove(BOB, { openpgp: keys.logged.fingerprint }),
    });
  }) as typeof fetch);
  const records = new Records(await openDatabase(`tc-${Math.random()}`), defaultSettings(true));
  await records.updateSettings({ serverUrl: SERVER, keyServers: true });
  await records.putVault({
    id: 'self',
    address: 'me@example.org',
    serverUrl: SERVER,
    blob: '',
    version: 1,
    fingerprints: { pgp: '', envelope: '' },
    updatedAt: 0,
  });
  const custody = new Custody<AccountSecrets>(
    memorySessionArea(),
    { set: async () => {}, clear: async () => true },
    async () => 3_600_000,
  );
  const server = createAccountServer(records, custody, memorySessionStore(), fetcher);
  const bases = {
    wkdAdvanced: () => 'https://ks.invalid',
    wkdDirect: () => 'https://ks.invalid',
    vks: 'https://ks.invalid',
  };
  const handlers = createHandlers(records, custody, bases, server);
  return { log, keys, records, handlers };
}

describe('contacts looked up with their proofs', () => {
  it('a logged key change shows when the log recorded it; an unlogged one is refused, key servers not asked', async () => {
    const { log, keys, records, handlers } = await setUp();
    const first = await handlers['contacts.lookup']({ address: BOB });
    expect(first.fingerprint).toBe(keys.logged.fingerprint);
    expect(first.pendingChange).toBeNull();

    keys.logged = await keyFor();
    const changed = await handlers['contacts.lookup']({ address: BOB });
    expect(changed.fingerprint).toBe(first.fingerprint);
    expect(changed.pendingChange).toMatchObject({
      fingerprint: keys.logged.fingerprint,
      loggedAt: 1_767_225_600_000 + log.log.leaves.length - 1,
    });

    keys.shown = await keyFor();
    const outside = vi.spyOn(globalThis, 'fetch');
    await expect(handlers['contacts.lookup']({ address: BOB })).rejects.toMatchObject({
      code: 'transparency_failed',
      message: expect.stringMatching(/bob@example\.org failed its transparency check/),
    });
    expect(outside).not.toHaveBeenCalled();
    expect((await records.contact(BOB))?.pendingChange?.fingerprint).toBe(keys.logged.fingerprint);
    expect((await records.securityLog()).map((e) => e.kind)).toContain('transparency_refused');
  });

  it('status shows the pin; a witness is configured only as a verifier key; a new log key starts over', async () => {
    const { log, handlers } = await setUp();
    expect((await handlers['transparency.status']({})).logKey).toBeNull();
    await handlers['contacts.lookup']({ address: BOB });
    const status = await handlers['transparency.status']({});
    expect(status.logKey).toMatchObject({
      vkey: log.log.vkey,
      name: 'test.example/log',
      source: 'first_use',
    });
    expect(status.checkpoint?.size).toBe(1);
    await expect(handlers['transparency.configure']({ witnessKey: 'not a key' })).rejects.toMatchObject({
      code: 'bad_request',
    });
    const other = new TestLogServer(new MemoryLog('other.example/log', 'other'));
    const configured = await handlers['transparency.configure']({ logKey: other.log.vkey });
    expect(configured.logKey?.source).toBe('configured');
    expect(configured.checkpoint).toBeNull();
    await expect(handlers['transparency.check']({})).rejects.toMatchObject({ code: 'locked' });
  });
});
