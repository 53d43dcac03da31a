// Key server fallback against a real `wrangler dev` Worker standing in for the public
// internet: it serves WKD (advanced and direct paths) and VKS for its SERVICE_DOMAIN. The
// contact lookup falls back to them only when our directory has no answer and the setting is on.

import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountSecrets } from '../../extension/background/account.ts';
import { Custody } from '../../extension/background/custody.ts';
import { generateIdentitySecrets } from '../../extension/background/identity.ts';
import { type KeyServerBases, lookupKeyServers, wkdHash } from '../../extension/background/keyservers.ts';
import { createHandlers } from '../../extension/background/service.ts';
import { openDatabase } from '../../extension/store/db.ts';
import { defaultSettings, Records } from '../../extension/store/records.ts';
import { generateKey } from '../../shared/pgp/keys.ts';
import { registerAccount } from '../harness/accounts.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';

// Nothing listens on the discard port: connecting fails at once, like a missing sub-domain.
const CLOSED = 'http://127.0.0.1:9';

let worker: WorkerServer;
let key: Awaited<ReturnType<typeof generateKey>>;
const address = 'wkd-user@noise.localhost';
beforeAll(async () => {
  worker = await startWorker();
  key = await generateKey({ userIds: [{ email: address }], passphrase: 'x' });
  await registerAccount(worker.url, { address, openpgpKey: key.publicKey });
});
afterAll(async () => {
  await worker?.stop();
});

const fingerprintOf = async (armored: string) =>
  (await (await import('openpgp')).readKey({ armoredKey: armored })).getFingerprint().toUpperCase();

describe('WKD and VKS lookups (real Worker as the key servers)', () => {
  it('hashes local parts like the draft example', () => {
    // draft-koch-openpgp-webkey-service §3.1: "Joe.Doe" → iy9q119eutrkn8s1mk4r39qejnbu3n5q.
    expect(wkdHash('Joe.Doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
  });

  it('advanced method first, direct when the sub-domain does not answer, then VKS', async () => {
    const all: KeyServerBases = {
      wkdAdvanced: () => worker.url,
      wkdDirect: () => worker.url,
      vks: worker.url,
    };
    const advanced = await lookupKeyServers(address, { ...all, wkdDirect: () => CLOSED });
    expect(advanced?.source).toBe('wkd');
    expect(await fingerprintOf(advanced?.armoredKey ?? '')).toBe(key.fingerprint.toUpperCase());

    const direct = await lookupKeyServers(address, { ...all, wkdAdvanced: () => CLOSED });
    expect(direct?.source).toBe('wkd');

    const viaVks = await lookupKeyServers(address, {
      ...all,
      wkdAdvanced: () => CLOSED,
      wkdDirect: () => CLOSED,
    });
    expect(viaVks?.source).toBe('keys.openpgp.org');
    expect(await fingerprintOf(viaVks?.armoredKey ?? '')).toBe(key.fingerprint.toUpperCase());

    expect(await lookupKeyServers('nobody@noise.localhost', all)).toBeNull();
  });

  it('the contact lookup falls back only with the setting on, and records the source', async () => {
    const records = new Records(await openDatabase('keyservers-e2e'), defaultSettings(true));
    // Our directory is unreachable here, so only the key servers can answer.
    await records.putVault({
      id: 'self',
      address: 'me@example.org',
      serverUrl: CLOSED,
      blob: '',
      version: 1,
      fingerprints: { pgp: '', envelope: '' },
      updatedAt: 0,
    });
    const custody = new Custody<AccountSecrets>(
      { get: async () => undefined, set: async () => {}, remove: async () => {} },
      { set: async () => {}, clear: async () => true },
      async () => 60_000,
    );
    await custody.unlock({
      identity: await generateIdentitySecrets('me@example.org', () => {}),
      addresses: ['me@example.org'],
      wrapKey: '',
      authKey: '',
    });
    const handlers = createHandlers(records, custody, {
      wkdAdvanced: () => CLOSED,
      wkdDirect: () => CLOSED,
      vks: worker.url,
    });
    await records.updateSettings({ keyServers: false });
    await expect(handlers['contacts.lookup']({ address })).rejects.toMatchObject({ code: 'server' });
    await records.updateSettings({ keyServers: true });
    const contact = await handlers['contacts.lookup']({ address });
    expect(contact).toMatchObject({ address, source: 'keys.openpgp.org' });
    expect(contact.fingerprint.toUpperCase()).toBe(key.fingerprint.toUpperCase());
  });
});
