import { describe, expect, it } from 'vitest';
import { fromBase64Url, fromUtf8, toBase64Url } from '../../shared/encoding.ts';
import {
  decodeVault,
  encodeVault,
  openVault as openSealed,
  openVaultWithRecoveryCode,
  sealVault,
} from '../../shared/vault/index.ts';
import type { VaultRecord } from '../store/schema.ts';
import { type AccountSecrets, exportBackup, makeRecovery } from './account.ts';
import { fingerprintsOf, generateIdentitySecrets } from './identity.ts';

// The recovery copy needs no passphrase KDF, so these run without Argon2.
async function fixture(): Promise<{ record: VaultRecord; secrets: AccountSecrets }> {
  const identity = await generateIdentitySecrets('ada@example.org', () => {});
  const wrapKey = crypto.getRandomValues(new Uint8Array(32));
  const kdf = {
    v: 1 as const,
    alg: 'argon2id' as const,
    m: 65536,
    t: 3,
    p: 4,
    salt: toBase64Url(new Uint8Array(16)),
  };
  const blob = encodeVault(await sealVault(new TextEncoder().encode('{}'), wrapKey, kdf, 'ada@example.org'));
  return {
    record: {
      id: 'self',
      address: 'ada@example.org',
      serverUrl: 'http://127.0.0.1:8787',
      blob,
      version: 1,
      fingerprints: fingerprintsOf(identity),
      updatedAt: 0,
    },
    secrets: {
      identity,
      addresses: ['ada@example.org'],
      wrapKey: toBase64Url(wrapKey),
      authKey: 'a',
    },
  };
}

describe('recovery sheet and backup file', () => {
  it('the recovery code opens a second copy holding the same keys', async () => {
    const { record, secrets } = await fixture();
    const { code, record: withRecovery, next } = await makeRecovery(record, secrets);
    expect(code.replace(/[^A-Za-z0-9]/g, '').length).toBeGreaterThanOrEqual(20);
    // The passphrase copy now carries the recovery key, so later changes can reseal both.
    const own = JSON.parse(
      fromUtf8(
        await openSealed(decodeVault(withRecovery.blob), fromBase64Url(secrets.wrapKey), record.address),
      ),
    );
    expect(own.recovery).toEqual(next.recovery);
    expect(own.authKey).toBeUndefined();
    const plain = await openVaultWithRecoveryCode(
      decodeVault(withRecovery.recoveryBlob ?? ''),
      code,
      record.address,
    );
    const contents = JSON.parse(fromUtf8(plain));
    expect(fingerprintsOf(contents.identity)).toEqual(record.fingerprints);
    expect(contents.authKey).toBe(secrets.authKey);
    // Another code does not open it.
    const other = await makeRecovery(record, secrets);
    await expect(
      openVaultWithRecoveryCode(decodeVault(withRecovery.recoveryBlob ?? ''), other.code, record.address),
    ).rejects.toMatchObject({ code: 'bad_passphrase' });
  });

  it('the backup file carries only wrapped copies, never a private key in the clear', async () => {
    const { record, secrets } = await fixture();
    const { record: withRecovery } = await makeRecovery(record, secrets);
    const file = exportBackup(withRecovery);
    const parsed = JSON.parse(file);
    expect(parsed).toMatchObject({
      format: 'noise-email-backup/v1',
      address: 'ada@example.org',
      vault: withRecovery.blob,
      recovery: withRecovery.recoveryBlob,
    });
    expect(file).not.toContain('PRIVATE KEY');
    expect(file).not.toContain(secrets.identity.envelope.identity.signingSecret);
  });
});
