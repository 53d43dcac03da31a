import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from '../encoding.ts';
import { derivePassphraseKeys, type KdfCost } from '../kdf/passphrase.ts';
import { generateRecoveryCode, normalizeRecoveryCode } from './recovery.ts';
import {
  decodeVault,
  encodeVault,
  openVault,
  openVaultWithPassphrase,
  openVaultWithRecoveryCode,
  rewrapVault,
  sealVaultWithPassphrase,
  sealVaultWithRecoveryCode,
  type VaultBlob,
} from './seal.ts';

// Tests use a tiny Argon2id cost; production refuses it (allowWeakParams is the explicit switch).
const cost: KdfCost = { m: 64, t: 1, p: 1 };
const fast = { cost, allowWeakParams: true };
const contents = utf8(JSON.stringify({ identity: { signingSecret: 'x', dhSecret: 'y' } }));
const address = 'alice@example.org';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
}

describe('vault', () => {
  it('seals and opens with the passphrase; the same authKey comes back', async () => {
    const { blob, authKey } = await sealVaultWithPassphrase(contents, 'hunter2 hunter2', address, fast);
    expect(blob).toMatchObject({ v: 1, kdf: { v: 1, alg: 'argon2id', ...cost } });
    expect(JSON.parse(JSON.stringify(blob))).toEqual(blob);
    const opened = await openVaultWithPassphrase(blob, 'hunter2 hunter2', address, fast);
    expect(fromUtf8(opened.contents)).toBe(fromUtf8(contents));
    expect(opened.authKey).toEqual(authKey);
  });

  it("a wrong passphrase is 'bad_passphrase'", async () => {
    const { blob } = await sealVaultWithPassphrase(contents, 'right', address, fast);
    expect(await code(openVaultWithPassphrase(blob, 'wrong', address, fast))).toBe('bad_passphrase');
  });

  it('the AD binds the address and the parameters', async () => {
    const { blob } = await sealVaultWithPassphrase(contents, 'pw', address, fast);
    expect(await code(openVaultWithPassphrase(blob, 'pw', 'ALICE@example.org', fast))).toBe('ok');
    expect(await code(openVaultWithPassphrase(blob, 'pw', 'mallory@example.org', fast))).toBe(
      'bad_passphrase',
    );
    // Same wrap key, different stored parameters: refused even with the right key.
    const keys = await derivePassphraseKeys('pw', blob.kdf as never, fast);
    const moved: VaultBlob = { ...blob, kdf: { ...(blob.kdf as object), t: 2 } as VaultBlob['kdf'] };
    expect(await code(openVault(moved, keys.wrapKey, address, fast))).toBe('bad_passphrase');
  });

  it('weak parameters are refused on open without the explicit switch', async () => {
    const { blob } = await sealVaultWithPassphrase(contents, 'pw', address, fast);
    expect(await code(openVaultWithPassphrase(blob, 'pw', address))).toBe('key_unusable');
  });

  it('any flipped ciphertext byte fails, never opens', async () => {
    const { blob } = await sealVaultWithPassphrase(contents, 'pw', address, fast);
    const keys = await derivePassphraseKeys('pw', blob.kdf as never, fast);
    const ct = fromBase64Url(blob.ciphertext);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: ct.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (i, x) => {
          const bad = ct.slice();
          bad[i]! ^= x;
          expect(
            await code(openVault({ ...blob, ciphertext: toBase64Url(bad) }, keys.wrapKey, address, fast)),
          ).toBe('bad_passphrase');
        },
      ),
      { numRuns: 30 },
    );
  });

  it('rewrap: the new passphrase opens, the old one no longer does, the salt and authKey change', async () => {
    const first = await sealVaultWithPassphrase(contents, 'old pass', address, fast);
    const second = await rewrapVault(first.blob, 'old pass', 'new pass', address, fast);
    expect((second.blob.kdf as { salt: string }).salt).not.toBe((first.blob.kdf as { salt: string }).salt);
    expect(second.authKey).not.toEqual(first.authKey);
    expect(fromUtf8((await openVaultWithPassphrase(second.blob, 'new pass', address, fast)).contents)).toBe(
      fromUtf8(contents),
    );
    expect(await code(openVaultWithPassphrase(second.blob, 'old pass', address, fast))).toBe(
      'bad_passphrase',
    );
    expect(await code(rewrapVault(first.blob, 'wrong', 'x', address, fast))).toBe('bad_passphrase');
  });

  it('the recovery copy opens with the code, typed loosely, and not with another code', async () => {
    const { code: recovery, blob } = await sealVaultWithRecoveryCode(contents, address);
    expect(recovery).toMatch(/^([0-9A-HJKMNP-TV-Z]{5}-){5}[0-9A-HJKMNP-TV-Z]{5}$/);
    const typed = recovery.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    expect(fromUtf8(await openVaultWithRecoveryCode(blob, typed, address))).toBe(fromUtf8(contents));
    expect(await code(openVaultWithRecoveryCode(blob, generateRecoveryCode(), address))).toBe(
      'bad_passphrase',
    );
    expect(await code(openVaultWithPassphrase(blob, recovery, address))).toBe('invalid_argument');
  });

  it('a mistyped recovery code is caught by its checksum before decryption', () => {
    // A fixed code keeps the test deterministic (a 20-bit checksum misses 1 typo in 2^20).
    const recovery = generateRecoveryCode((n) => Uint8Array.from({ length: n }, (_, i) => i * 7));
    expect(normalizeRecoveryCode(recovery)).toHaveLength(26);
    const chars = recovery.replace(/-/g, '').split('');
    let caught = 0;
    for (let i = 0; i < chars.length; i++) {
      const typo = [...chars];
      typo[i] = typo[i] === 'A' ? 'B' : 'A';
      try {
        normalizeRecoveryCode(typo.join(''));
      } catch (e) {
        if ((e as { code: string }).code === 'invalid_argument') caught++;
      }
    }
    expect(caught).toBe(chars.length); // any single substitution changes data or checksum
    expect(() => normalizeRecoveryCode('short')).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });

  it('fresh recovery codes are distinct', () => {
    const codes = new Set(Array.from({ length: 200 }, () => generateRecoveryCode()));
    expect(codes.size).toBe(200);
  });

  it('encodes to the base64url string the Worker stores, and refuses junk', async () => {
    const { blob } = await sealVaultWithPassphrase(contents, 'pw', address, fast);
    expect(encodeVault(blob)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeVault(encodeVault(blob), fast)).toEqual(blob);
    expect(() => decodeVault('!!!')).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(() => decodeVault(toBase64Url(utf8('{"v":1}')))).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
    expect(() => decodeVault(toBase64Url(utf8(JSON.stringify({ ...blob, v: 2 }))))).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    );
  });
});
