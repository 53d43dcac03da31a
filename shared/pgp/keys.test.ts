import { generateKey as rawGenerateKey, readKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNoiseError } from '../errors.ts';
import {
  assertEncryptionKey,
  type GeneratedKey,
  generateKey,
  publicKeyOf,
  readKeyInfo,
  unlockPrivateKey,
} from './keys.ts';
import { revocationState, revokeKey } from './revocation.ts';

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isNoiseError(err), `expected NoiseError ${code}, got ${String(err)}`).toBe(true);
  expect((err as { code: string }).code).toBe(code);
  if (message) expect((err as Error).message).toMatch(message);
}

let alice: GeneratedKey;

beforeAll(async () => {
  alice = await generateKey({
    userIds: [{ name: 'Alice Example', email: 'alice@example.org' }, { email: 'alice@work.example' }],
    passphrase: 'correct horse',
  });
});

describe('generateKey', () => {
  it('makes a v4 Ed25519 + Cv25519 key, passphrase-protected', async () => {
    const info = await readKeyInfo(alice.privateKey);
    expect(info.version).toBe(4);
    expect(info.isPrivate).toBe(true);
    expect(info.fingerprint).toBe(alice.fingerprint);
    expect(info.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(info.keyId).toBe(info.fingerprint.slice(-16));
    expect(info.primary.algorithm).toBe('eddsaLegacy');
    expect(info.primary.curve).toBe('ed25519Legacy');
    expect(info.subkeys).toHaveLength(1);
    expect(info.subkeys[0]!.algorithm).toBe('ecdh');
    expect(info.subkeys[0]!.curve).toBe('curve25519Legacy');
    expect(info.userIds).toEqual([
      { raw: 'Alice Example <alice@example.org>', name: 'Alice Example', email: 'alice@example.org' },
      { raw: '<alice@work.example>', name: '', email: 'alice@work.example' },
    ]);
    expect(info.canEncrypt).toBe(true);
    expect(info.canSign).toBe(true);
    expect(info.revoked).toBe(false);
    expect(info.expires).toBeNull();
    expect(info.weakness).toBeUndefined();
    const key = await readKey({ armoredKey: alice.privateKey });
    expect(key.isPrivate() && !key.isDecrypted()).toBe(true);
  });

  it('honours an expiry and reads binary keys', async () => {
    const k = await generateKey({
      userIds: [{ email: 'e@x.example' }],
      passphrase: 'p',
      expiresInSeconds: 3600,
    });
    const binary = (await readKey({ armoredKey: k.publicKey })).write();
    const info = await readKeyInfo(binary);
    expect(info.isPrivate).toBe(false);
    expect(info.expires).not.toBeNull();
    expect(info.expires!.getTime() - info.created.getTime()).toBe(3600_000);
    expect(info.expired).toBe(false);
  });

  it('reads v6 keys (RFC 9580) without making them', async () => {
    const v6 = await rawGenerateKey({
      userIDs: [{ email: 'v6@x.example' }],
      type: 'curve25519',
      config: { v6Keys: true },
    });
    const info = await readKeyInfo(v6.publicKey);
    expect(info.version).toBe(6);
    expect(info.primary.algorithm).toBe('ed25519');
    expect(info.fingerprint).toMatch(/^[0-9A-F]{64}$/);
  });

  it("stretches a person's passphrase, not a random one (RFC 4880 §3.7.1.3 iteration count)", async () => {
    // The S2K count byte of every secret key packet: 0 = 1,024 bytes hashed, 224 (openpgp.js's
    // default) = 16,777,216.
    const counts = async (armored: string) => {
      const key = await readKey({ armoredKey: armored });
      return [key, ...key.subkeys].map(
        (k) => (k.keyPacket as unknown as { s2k: { c: number; type: string } }).s2k,
      );
    };
    const random = await generateKey({
      userIds: [{ email: 'vault@example.org' }],
      passphrase: 'r'.repeat(43),
      passphraseIsRandom: true,
    });
    expect(await counts(random.privateKey)).toEqual([
      expect.objectContaining({ type: 'iterated', c: 0 }),
      expect.objectContaining({ type: 'iterated', c: 0 }),
    ]);
    await unlockPrivateKey(random.privateKey, 'r'.repeat(43));
    for (const s2k of await counts(alice.privateKey)) expect(s2k.c).toBeGreaterThanOrEqual(224);
  });

  it('refuses an empty passphrase and no user IDs', async () => {
    await expectCode(generateKey({ userIds: [], passphrase: 'x' }), 'invalid_argument');
    await expectCode(generateKey({ userIds: [{ email: 'a@b.c' }], passphrase: '' }), 'invalid_argument');
  });
});

describe('assertEncryptionKey', () => {
  it('accepts a fresh key and refuses garbage', async () => {
    const key = await assertEncryptionKey(alice.publicKey);
    expect(key.getFingerprint().toUpperCase()).toBe(alice.fingerprint);
    await expectCode(assertEncryptionKey('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnope\n'), 'malformed');
  });

  it('refuses RSA-1024', async () => {
    const weak = await rawGenerateKey({
      userIDs: [{ email: 'weak@x.example' }],
      type: 'rsa',
      rsaBits: 1024,
      config: { minRSABits: 1024 },
    });
    const info = await readKeyInfo(weak.publicKey);
    expect(info.primary.bits).toBe(1024);
    expect(info.weakness).toMatch(/1024 bits/);
    expect(info.canEncrypt).toBe(false);
    await expectCode(assertEncryptionKey(weak.publicKey), 'key_unusable', /too weak.*1024/);
  });

  it('refuses an expired key', async () => {
    const old = await generateKey({
      userIds: [{ email: 'old@x.example' }],
      passphrase: 'p',
      expiresInSeconds: 60,
      date: new Date(Date.now() - 3600_000),
    });
    const info = await readKeyInfo(old.publicKey);
    expect(info.expired).toBe(true);
    expect(info.canEncrypt).toBe(false);
    await expectCode(assertEncryptionKey(old.publicKey), 'key_unusable', /expired/);
  });

  it('refuses a revoked key, by signature and by stored certificate', async () => {
    const k = await generateKey({ userIds: [{ email: 'rev@x.example' }], passphrase: 'pw' });
    const unlocked = await unlockPrivateKey(k.privateKey, 'pw');
    const revoked = await revokeKey({ key: unlocked, reason: 'compromised', description: 'laptop stolen' });
    expect(await revocationState(revoked)).toEqual({ revoked: true, reason: 'laptop stolen' });
    expect((await readKeyInfo(revoked)).revoked).toBe(true);
    await expectCode(assertEncryptionKey(revoked), 'key_unusable', /revoked/);

    const byCert = await revokeKey({ key: k.publicKey, revocationCertificate: k.revocationCertificate });
    expect((await revocationState(byCert)).revoked).toBe(true);
    expect((await revocationState(k.publicKey)).revoked).toBe(false);
  });

  it('refuses a key without an encryption subkey', async () => {
    const signOnly = await rawGenerateKey({
      userIDs: [{ email: 's@x.example' }],
      type: 'ecc',
      subkeys: [],
      format: 'object',
    });
    expect(signOnly.publicKey.subkeys).toHaveLength(0);
    await expectCode(assertEncryptionKey(signOnly.publicKey), 'key_unusable', /no valid encryption subkey/);
  });
});

describe('private keys', () => {
  it('unlocks with the right passphrase only', async () => {
    const key = await unlockPrivateKey(alice.privateKey, 'correct horse');
    expect(key.isDecrypted()).toBe(true);
    await expectCode(unlockPrivateKey(alice.privateKey, 'wrong'), 'bad_passphrase', /passphrase/);
    await expectCode(unlockPrivateKey('garbage', 'x'), 'malformed');
  });

  it('derives the public key of a private key', async () => {
    const pub = await publicKeyOf(alice.privateKey);
    expect(pub).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    expect((await readKeyInfo(pub)).fingerprint).toBe(alice.fingerprint);
    expect((await readKeyInfo(pub)).isPrivate).toBe(false);
  });
});
