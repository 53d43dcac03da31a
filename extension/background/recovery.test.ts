// Forgotten passphrase: the recovery copy (or a backup file) opens the vault and a new
// passphrase reseals it. The server part runs against a real Worker in e2e/extension/recovery.e2e.ts;
// here the server is unreachable, so the reset stays local and says so.

import { describe, expect, it } from 'vitest';
import { memorySessionStore } from '../../shared/api/session-store.ts';
import { toBase64Url } from '../../shared/encoding.ts';
import { KDF_DEFAULT_COST, newKdfParams } from '../../shared/kdf/passphrase.ts';
import { encodeVault, sealVault } from '../../shared/vault/index.ts';
import type { VaultRecord } from '../store/schema.ts';
import { exportBackup, makeRecovery, openVault } from './account.ts';
import { fingerprintsOf, generateIdentitySecrets } from './identity.ts';
import { readBackup, resetPassphrase } from './recovery.ts';
import { type AccountServer, anonymousClient } from './server.ts';

// Port 9 (discard) on loopback: nothing listens, so every server call fails fast.
const OFFLINE = 'http://127.0.0.1:9';
const offline: AccountServer = {
  api: (url) => anonymousClient(url),
  anonymous: (url) => anonymousClient(url),
  sessions: memorySessionStore(),
};

async function withRecovery() {
  const identity = await generateIdentitySecrets('ada@example.org', () => {});
  const wrapKey = crypto.getRandomValues(new Uint8Array(32));
  const kdf = newKdfParams({ cost: KDF_DEFAULT_COST });
  const contents = new TextEncoder().encode(
    JSON.stringify({ v: 1, identity, addresses: ['ada@example.org'] }),
  );
  const record: VaultRecord = {
    id: 'self',
    address: 'ada@example.org',
    serverUrl: OFFLINE,
    blob: encodeVault(await sealVault(contents, wrapKey, kdf, 'ada@example.org')),
    version: 3,
    fingerprints: fingerprintsOf(identity),
    updatedAt: 0,
  };
  const secrets = {
    identity,
    addresses: ['ada@example.org'],
    wrapKey: toBase64Url(wrapKey),
    authKey: 'k',
  };
  return { identity, ...(await makeRecovery(record, secrets)) };
}

describe('passphrase reset with the recovery code', () => {
  it('opens the recovery copy and reseals under the new passphrase; a wrong code is refused', async () => {
    const { identity, code, record } = await withRecovery();
    const other = await withRecovery();
    await expect(
      resetPassphrase(offline, record, { code: other.code }, 'new pass', () => {}),
    ).rejects.toMatchObject({
      code: 'bad_passphrase',
    });
    await expect(
      resetPassphrase(offline, record, { code: 'not a code' }, 'new pass', () => {}),
    ).rejects.toMatchObject({
      code: 'bad_request',
    });
    const reset = await resetPassphrase(
      offline,
      record,
      { code },
      'correct horse battery staple 42',
      () => {},
    );
    expect(reset.serverUpdated).toBe(false);
    expect(reset.record.blob).not.toBe(record.blob);
    // The recovery copy is resealed for the new auth key and still opens with the same code.
    expect(reset.record.recoveryBlob).not.toBe(record.recoveryBlob);
    const again = await resetPassphrase(
      offline,
      reset.record,
      { code },
      'a third long passphrase 7',
      () => {},
    );
    expect(again.secrets.identity.pgp.fingerprint).toBe(identity.pgp.fingerprint);
    expect(again.secrets.recovery).toEqual(reset.secrets.recovery);
    expect(reset.record.fingerprints).toEqual(fingerprintsOf(identity));
    const opened = await openVault(reset.record, 'correct horse battery staple 42');
    expect(opened.identity.pgp.fingerprint).toBe(identity.pgp.fingerprint);
    // The recovery copy carries the server auth key; the resealed passphrase copy does not.
    expect(reset.secrets.authKey).toBe(opened.authKey);
  });

  it('reads the exported backup file and resets from its recovery copy', async () => {
    const { code, record } = await withRecovery();
    const fromFile = readBackup(exportBackup(record));
    expect(fromFile).toMatchObject({ address: record.address, serverUrl: OFFLINE, blob: record.blob });
    const reset = await resetPassphrase(offline, fromFile, { code }, 'another long passphrase', () => {});
    expect(reset.record.fingerprints).toEqual(record.fingerprints);
    expect(() => readBackup('{"format":"something-else"}')).toThrow(/not a Noise Email backup/);
    const noRecovery = readBackup(exportBackup({ ...record, recoveryBlob: undefined } as VaultRecord));
    await expect(resetPassphrase(offline, noRecovery, { code }, 'x', () => {})).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
