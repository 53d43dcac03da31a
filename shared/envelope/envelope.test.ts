import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../encoding.ts';
import { isNoiseError, type NoiseError } from '../errors.ts';
import { fingerprintHex, generateSignedPrekey, openBytes, publicIdentity, sealBytes } from './index.ts';
import { bundleOf, keysOf, makeParty } from './test/parties.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isNoiseError(e)) return (e as NoiseError).code;
    throw e;
  }
  return 'success';
}

const alice = makeParty('alice@example.org', 'laptop');
const bob = makeParty('bob@example.org');
const bobPhone = makeParty('bob@example.org', 'phone');
const carol = makeParty('carol@example.net');

describe('envelope seal/open', () => {
  it('every recipient device and the sender copy open the same plaintext', async () => {
    const env = await sealBytes(utf8('Hi Bob and Carol'), alice, [
      bundleOf(bob),
      bundleOf(bobPhone),
      bundleOf(carol),
    ]);
    for (const p of [bob, bobPhone, carol, alice]) {
      const { plaintext, verdict } = await openBytes(env, keysOf(p));
      expect(fromUtf8(plaintext)).toBe('Hi Bob and Carol');
      expect(verdict.sender.address).toBe('alice@example.org');
      expect(verdict.sender.fingerprint).toBe(fingerprintHex(publicIdentity(alice.identity)));
      expect(verdict.recipients.map((r) => `${r.address}/${r.deviceId}`)).toEqual([
        'alice@example.org/laptop',
        'bob@example.org/',
        'bob@example.org/phone',
        'carol@example.net/',
      ]);
      expect(verdict.integrityProtected).toBe(true);
      expect(verdict.signatures[0]!.status).toBe('valid');
    }
  });

  it('marks the one-time prekey used, and says which one to delete', async () => {
    const env = await sealBytes(utf8('x'), alice, [bundleOf(bob, true)]);
    const { verdict } = await openBytes(env, keysOf(bob));
    expect(verdict.oneTimePrekeyUsed).toBe(true);
    expect(verdict.oneTimePrekeyId).toBe(100);
    expect(verdict.signedPrekeyId).toBe(7);
  });

  it('falls back to the signed prekey when the bundle has no one-time prekey, and says so', async () => {
    const env = await sealBytes(utf8('x'), alice, [bundleOf(bob, false)]);
    const { plaintext, verdict } = await openBytes(env, keysOf(bob));
    expect(fromUtf8(plaintext)).toBe('x');
    expect(verdict.oneTimePrekeyUsed).toBe(false);
    expect(verdict.oneTimePrekeyId).toBeNull();
  });

  it('the sender copy never uses a one-time prekey', async () => {
    const env = await sealBytes(utf8('x'), alice, [bundleOf(bob)]);
    expect((await openBytes(env, keysOf(alice))).verdict.oneTimePrekeyUsed).toBe(false);
  });

  it("a stranger gets 'not_for_me'", async () => {
    const env = await sealBytes(utf8('x'), alice, [bundleOf(bob)]);
    expect(await codeOf(openBytes(env, keysOf(carol)))).toBe('not_for_me');
    // Bob's identity on a device the envelope does not name is not it either.
    expect(await codeOf(openBytes(env, { ...keysOf(bob), deviceId: 'tablet' }))).toBe('not_for_me');
  });

  it("a rotated-away signed prekey or a deleted one-time prekey gives 'not_for_me'", async () => {
    const env = await sealBytes(utf8('x'), alice, [bundleOf(bob)]);
    const rotated = { ...keysOf(bob), signedPrekeys: [generateSignedPrekey(8, 1_763_990_000)] };
    expect(await codeOf(openBytes(env, rotated))).toBe('not_for_me');
    expect(await codeOf(openBytes(env, { ...keysOf(bob), oneTimePrekeys: [] }))).toBe('not_for_me');
  });

  it('names the sender address as signer only when the directory fingerprint matches', async () => {
    const env = await sealBytes(utf8('x'), alice, [bundleOf(bob)]);
    const fpr = fingerprintHex(publicIdentity(alice.identity));
    const ok = await openBytes(env, keysOf(bob), { senderFingerprint: fpr });
    expect(ok.verdict.signatures[0]!.signerUserIds).toEqual(['alice@example.org']);
    const unknown = await openBytes(env, { ...keysOf(bob), oneTimePrekeys: bob.oneTimePrekeys });
    expect(unknown.verdict.signatures[0]!.signerUserIds).toEqual([]);
  });

  it('refuses a bundle whose prekey signature does not verify', async () => {
    const bad = bundleOf(bob);
    bad.signedPrekey = { ...bad.signedPrekey, createdAt: bad.signedPrekey.createdAt + 1 };
    expect(await codeOf(sealBytes(utf8('x'), alice, [bad]))).toBe('key_unusable');
    const swapped = { ...bundleOf(bob), identity: publicIdentity(carol.identity) };
    expect(await codeOf(sealBytes(utf8('x'), alice, [swapped]))).toBe('key_unusable');
  });

  it('refuses invalid arguments by name', async () => {
    await expect(sealBytes(utf8('x'), { ...alice, address: 'has space@x' }, [bundleOf(bob)])).rejects.toThrow(
      /sender\.address/,
    );
    await expect(sealBytes(utf8('x'), alice, [bundleOf(bob), bundleOf(bob)])).rejects.toThrow(/listed twice/);
    await expect(sealBytes(utf8('x'), alice, [], { senderCopy: false })).rejects.toThrow(/none/);
  });

  it("garbage and other formats are 'malformed'; another version is 'unsupported'", async () => {
    expect(await codeOf(openBytes(new Uint8Array(0), keysOf(bob)))).toBe('malformed');
    expect(await codeOf(openBytes(utf8('-----BEGIN PGP MESSAGE-----'), keysOf(bob)))).toBe('malformed');
    const env = await sealBytes(utf8('x'), alice, [bundleOf(bob)]);
    const v2 = env.slice();
    v2[22] = '2'.charCodeAt(0); // "noise.email/envelope/v1" → ".../v2"
    expect(await codeOf(openBytes(v2, keysOf(bob)))).toBe('unsupported');
  });
});
