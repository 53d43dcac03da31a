// RFC 9381 Appendix B.3 vectors (ECVRF-EDWARDS25519-SHA512-TAI) and the MUSTs of §5.3/§5.4.5.
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../encoding.ts';
import vectors from './vectors/rfc9381-tai.json' with { type: 'json' };
import { VRF_PROOF_BYTES, vrfProofToHash, vrfProve, vrfPublicKey, vrfVerify } from './vrf.ts';

describe('ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381 Appendix B.3)', () => {
  for (const v of vectors.vectors) {
    it(`Example ${v.example}: prove reproduces pi and beta; verify accepts`, () => {
      const sk = fromHex(v.sk);
      const alpha = fromHex(v.alpha);
      expect(toHex(vrfPublicKey(sk))).toBe(v.pk);
      const pi = vrfProve(sk, alpha);
      expect(toHex(pi)).toBe(v.pi);
      expect(toHex(vrfProofToHash(pi))).toBe(v.beta);
      expect(toHex(vrfVerify(fromHex(v.pk), alpha, fromHex(v.pi)) ?? new Uint8Array())).toBe(v.beta);
    });
    it(`Example ${v.example}: any flipped bit of pi, alpha or the key is refused`, () => {
      const pk = fromHex(v.pk);
      const pi = fromHex(v.pi);
      const alpha = fromHex(v.alpha);
      for (let bit = 0; bit < pi.length * 8; bit += 7) {
        const bad = pi.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        expect(vrfVerify(pk, alpha, bad)).toBeUndefined();
      }
      expect(vrfVerify(pk, new Uint8Array([...alpha, 0]), pi)).toBeUndefined();
      const otherPk = pk.slice();
      otherPk[0]! ^= 1;
      expect(vrfVerify(otherPk, alpha, pi)).toBeUndefined();
    });
  }

  it('§5.4.5 refuses small-order public keys (validate_key = TRUE)', () => {
    // The identity (y = 1) and the point of order 2 (y = p − 1) encode as RFC 8032 strings.
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const order2 = fromHex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    const pi = fromHex(vectors.vectors[0]!.pi);
    for (const pk of [identity, order2]) expect(vrfVerify(pk, new Uint8Array(), pi)).toBeUndefined();
  });

  it('§5.4.4 refuses s ≥ q and a non-canonical Gamma (y ≥ p)', () => {
    const v = vectors.vectors[0]!;
    const pi = fromHex(v.pi);
    const bigS = pi.slice();
    bigS.set(new Uint8Array(32).fill(0xff), 48);
    expect(vrfVerify(fromHex(v.pk), new Uint8Array(), bigS)).toBeUndefined();
    const badGamma = pi.slice();
    badGamma.set(fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'), 0);
    expect(vrfVerify(fromHex(v.pk), new Uint8Array(), badGamma)).toBeUndefined();
    expect(() => vrfProofToHash(badGamma)).toThrow();
  });

  it('refuses proofs of the wrong length', () => {
    const v = vectors.vectors[0]!;
    const pi = fromHex(v.pi);
    expect(vrfVerify(fromHex(v.pk), new Uint8Array(), pi.subarray(0, VRF_PROOF_BYTES - 1))).toBeUndefined();
    expect(vrfVerify(fromHex(v.pk), new Uint8Array(), new Uint8Array([...pi, 0]))).toBeUndefined();
  });

  it('property: prove then verify gives beta, for any key and input; another input does not', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.uint8Array({ maxLength: 80 }),
        (sk, alpha, other) => {
          const pk = ed25519.getPublicKey(sk);
          const pi = vrfProve(sk, alpha);
          const beta = vrfVerify(pk, alpha, pi);
          expect(beta).toEqual(vrfProofToHash(pi));
          if (toHex(other) !== toHex(alpha)) expect(vrfVerify(pk, other, pi)).toBeUndefined();
        },
      ),
      { numRuns: 25 },
    );
  });
});
