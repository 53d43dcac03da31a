// Forgotten passphrase against a real `wrangler dev` Worker (no browser): the recovery code
// opens this device's recovery copy, a new passphrase is set locally and on the Worker (its
// passphrase-change route), and afterwards only the new passphrase restores the account.

import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccountSecrets, makeRecovery } from '../../extension/background/account.ts';
import { restoreAccount } from '../../extension/background/account-setup.ts';
import { Custody, memorySessionArea } from '../../extension/background/custody.ts';
import {
  fingerprintsOf,
  generateIdentitySecrets,
  publicPgpKey,
} from '../../extension/background/identity.ts';
import { accountServerFor, createHandlers } from '../../extension/background/service.ts';
import { openDatabase } from '../../extension/store/db.ts';
import { defaultSettings, Records } from '../../extension/store/records.ts';
import { toBase64Url, utf8 } from '../../shared/encoding.ts';
import { derivePassphraseKeys, KDF_DEFAULT_COST, newKdfParams } from '../../shared/kdf/passphrase.ts';
import { encodeVault, sealVault } from '../../shared/vault/index.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';

let worker: WorkerServer;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
});

describe('passphrase reset with the recovery code, real Worker', () => {
  it('resets locally and on the Worker; only the new passphrase restores', async () => {
    const address = 'recover-user@noise.localhost';
    const oldPassphrase = 'the old passphrase that was forgotten';
    const newPassphrase = 'a brand new passphrase after recovery';
    const identity = await generateIdentitySecrets(address, () => {});
    const kdf = newKdfParams({ cost: KDF_DEFAULT_COST });
    const keys = await derivePassphraseKeys(oldPassphrase, kdf);
    const contents = utf8(JSON.stringify({ v: 1, identity, addresses: [address] }));
    const blob = encodeVault(await sealVault(contents, keys.wrapKey, kdf, address));
    const authKey = toBase64Url(keys.authKey);
    const res = await fetch(`${worker.url}/api/v1/accounts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        address,
        kdf: {
          algorithm: 'argon2id',
          version: 19,
          iterations: kdf.t,
          memoryKiB: kdf.m,
          parallelism: kdf.p,
          salt: kdf.salt,
        },
        authKey,
        vault: blob,
        keys: { openpgpKey: await publicPgpKey(identity) },
        deviceName: 'Browser extension',
      }),
    });
    expect(res.status).toBe(201);

    const secrets: AccountSecrets = {
      identity,
      addresses: [address],
      wrapKey: toBase64Url(keys.wrapKey),
      authKey,
    };
    const base = {
      id: 'self' as const,
      address,
      serverUrl: worker.url,
      blob,
      version: 1,
      fingerprints: fingerprintsOf(identity),
      updatedAt: 0,
    };
    const { code, record } = await makeRecovery(base, secrets);
    const records = new Records(await openDatabase('recovery-e2e'), defaultSettings(true));
    await records.putVault(record);
    const custody = new Custody<AccountSecrets>(
      memorySessionArea(),
      { set: async () => {}, clear: async () => true },
      async () => 60_000,
    );
    const handlers = createHandlers(records, custody);
    expect((await handlers.status({})).state).toBe('locked');

    const out = await handlers['account.recover']({ code, newPassphrase });
    expect(out.serverUpdated).toBe(true);
    expect(out.status.state).toBe('unlocked');
    expect((await records.securityLog()).map((e) => e.kind)).toContain('passphrase_reset');

    // This device unlocks with the new passphrase.
    await handlers.lock({});
    expect((await handlers.unlock({ passphrase: newPassphrase })).state).toBe('unlocked');

    // A new device: the old passphrase no longer logs in; the new one restores the same keys.
    const newDevice = accountServerFor(
      new Records(await openDatabase('recovery-e2e-new-device'), defaultSettings(true)),
      new Custody<AccountSecrets>(
        memorySessionArea(),
        { set: async () => {}, clear: async () => true },
        async () => 60_000,
      ),
    );
    await expect(
      restoreAccount(newDevice, { serverUrl: worker.url, address, passphrase: oldPassphrase }, () => {}),
    ).rejects.toMatchObject({
      code: 'bad_passphrase',
    });
    const restored = await restoreAccount(
      newDevice,
      { serverUrl: worker.url, address, passphrase: newPassphrase },
      () => {},
    );
    expect(restored.record.fingerprints).toEqual(fingerprintsOf(identity));
  });
});
