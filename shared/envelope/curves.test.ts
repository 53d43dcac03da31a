import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { utf8 } from '../encoding.ts';
import {
  _useNativeCurves,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  usingNativeCurves,
  x25519Dh,
  x25519PublicKey,
} from './curves.ts';
import { openBytes, sealBytes } from './index.ts';
import { bundleOf, keysOf, makeParty } from './test/parties.ts';

const key = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('curves: WebCrypto and noble agree', () => {
  afterAll(() => _useNativeCurves(true));

  it('Node 22 has native X25519 and Ed25519', async () => {
    expect(await usingNativeCurves()).toBe(true);
  });

  it('X25519, Ed25519 sign, verify and public keys equal noble on random keys', async () => {
    await fc.assert(
      fc.asyncProperty(key, key, fc.uint8Array({ maxLength: 200 }), async (a, b, msg) => {
        const pubB = x25519.getPublicKey(b);
        expect(await x25519Dh(a, pubB)).toEqual(x25519.getSharedSecret(a, pubB));
        expect(await x25519PublicKey(a)).toEqual(x25519.getPublicKey(a));
        expect(await ed25519PublicKey(a)).toEqual(ed25519.getPublicKey(a));
        const sig = await ed25519Sign(msg, a);
        expect(sig).toEqual(ed25519.sign(msg, a));
        expect(await ed25519Verify(sig, msg, ed25519.getPublicKey(a))).toBe(true);
        expect(await ed25519Verify(sig, utf8('other'), ed25519.getPublicKey(a))).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it.each([true, false])(
    'low-order points give null, never an all-zero secret (native: %s)',
    async (nativeOn) => {
      _useNativeCurves(nativeOn);
      const secret = new Uint8Array(32).fill(5);
      expect(await x25519Dh(secret, new Uint8Array(32))).toBeNull(); // u = 0
      expect(await x25519Dh(secret, Uint8Array.of(1, ...new Array(31).fill(0)))).toBeNull(); // u = 1
      expect(await ed25519Verify(new Uint8Array(63), new Uint8Array(1), new Uint8Array(32))).toBe(false);
      _useNativeCurves(true);
    },
  );

  it('an envelope sealed on the noble path opens on the native path and back', async () => {
    const alice = makeParty('alice@example.org');
    const bob = makeParty('bob@example.org');
    _useNativeCurves(false);
    const viaNoble = await sealBytes(utf8('noble'), alice, [bundleOf(bob)]);
    _useNativeCurves(true);
    const viaNative = await sealBytes(utf8('native'), alice, [bundleOf(bob)]);
    expect((await openBytes(viaNoble, keysOf(bob))).plaintext).toEqual(utf8('noble'));
    _useNativeCurves(false);
    expect((await openBytes(viaNative, keysOf(bob))).plaintext).toEqual(utf8('native'));
    _useNativeCurves(true);
  });
});
