// Leaves and address labels (docs/spec/transparency-v1.md §3.2–§4.3): canonical decoding with
// one negative case per MUST, labels and commitments recomputed from their definitions.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHex, utf8 } from '../encoding.ts';
import { isNoiseError } from '../errors.ts';
import {
  commitFingerprint,
  FINGERPRINT_KIND,
  labelOfAddress,
  proveAddress,
  verifyAddressProof,
  vrfInput,
} from './address-label.ts';
import { decodeLeaf, encodeLeaf, LEAF_BYTES, LEAF_EVENTS, type Leaf, type LeafEvent } from './leaf.ts';
import { vrfProofToHash, vrfProve, vrfPublicKey } from './vrf.ts';

const vrfSecret = sha256(utf8('vrf'));
const bytes32 = (n: number) => new Uint8Array(32).fill(n);
const malformed = (b: Uint8Array) => {
  try {
    decodeLeaf(b);
    return false;
  } catch (e) {
    return isNoiseError(e, 'malformed');
  }
};

describe('address labels (§3)', () => {
  it('alpha is LABEL_VRF_INPUT ‖ 0x00 ‖ the lowercased address', () => {
    expect(toHex(vrfInput('Alice@Example.ORG'))).toBe(
      toHex(
        concatBytes(
          utf8('noise.email/transparency/v1/address'),
          new Uint8Array([0]),
          utf8('alice@example.org'),
        ),
      ),
    );
  });

  it('label and commitment key are the two halves of beta; the proof yields the same', () => {
    const beta = vrfProofToHash(vrfProve(vrfSecret, vrfInput('alice@example.org')));
    const label = labelOfAddress(vrfSecret, 'alice@example.org');
    expect(toHex(label.label)).toBe(toHex(beta.slice(0, 32)));
    expect(toHex(label.commitmentKey)).toBe(toHex(beta.slice(32)));
    const proven = proveAddress(vrfSecret, 'alice@example.org');
    expect(verifyAddressProof(vrfPublicKey(vrfSecret), 'alice@example.org', proven.proof)).toEqual({
      label: label.label,
      commitmentKey: label.commitmentKey,
    });
    expect(verifyAddressProof(vrfPublicKey(vrfSecret), 'bob@example.org', proven.proof)).toBeUndefined();
  });

  it('commit = HMAC-SHA-256(ck, label ‖ 0x00 ‖ kind ‖ len ‖ fp); kinds and keys separate', () => {
    const ck = bytes32(7);
    const fp = new Uint8Array(20).fill(0xab);
    const expected = hmac(
      sha256,
      ck,
      concatBytes(utf8('noise.email/transparency/v1/fingerprint'), new Uint8Array([0, 1, 20]), fp),
    );
    expect(toHex(commitFingerprint(ck, FINGERPRINT_KIND.openpgp, fp))).toBe(toHex(expected));
    expect(toHex(commitFingerprint(ck, FINGERPRINT_KIND.envelope, fp))).not.toBe(toHex(expected));
    expect(toHex(commitFingerprint(bytes32(8), FINGERPRINT_KIND.openpgp, fp))).not.toBe(toHex(expected));
  });
});

describe('leaves (§4)', () => {
  const leaf: Leaf = {
    event: 'key_published',
    time: 1_767_225_600_000,
    label: bytes32(1),
    fingerprint: bytes32(2),
    previous: null,
  };

  it('encodes the §4.2 layout: version, event, u64 time, label, fingerprint, previous', () => {
    const b = encodeLeaf(leaf);
    expect(b.length).toBe(LEAF_BYTES);
    expect(b.length).toBe(106);
    expect(toHex(b.slice(0, 10))).toBe('0101' + '0000019b76daa800');
    expect(b.slice(10, 42)).toEqual(bytes32(1));
    expect(b.slice(42, 74)).toEqual(bytes32(2));
    expect(b.slice(74)).toEqual(new Uint8Array(32));
    expect(decodeLeaf(b)).toEqual(leaf);
  });

  it('refuses (malformed) every non-canonical form §4.3 names', () => {
    const b = encodeLeaf(leaf);
    expect(malformed(b.slice(0, 105))).toBe(true);
    expect(malformed(concatBytes(b, new Uint8Array([0])))).toBe(true);
    expect(malformed(concatBytes(new Uint8Array([2]), b.slice(1)))).toBe(true); // version
    for (const code of [0, 7, 255])
      expect(malformed(concatBytes(b.slice(0, 1), new Uint8Array([code]), b.slice(2)))).toBe(true);
    // fingerprint required but zero
    expect(malformed(concatBytes(b.slice(0, 42), new Uint8Array(32), b.slice(74)))).toBe(true);
    // previous absent for key_updated but present
    const updated = encodeLeaf({ ...leaf, event: 'key_updated' });
    expect(malformed(concatBytes(updated.slice(0, 74), bytes32(9)))).toBe(true);
    // address_released: fingerprint absent, previous required
    const released = encodeLeaf({
      ...leaf,
      event: 'address_released',
      fingerprint: null,
      previous: bytes32(3),
    });
    expect(malformed(concatBytes(released.slice(0, 42), bytes32(4), released.slice(74)))).toBe(true);
    expect(malformed(concatBytes(released.slice(0, 74), new Uint8Array(32)))).toBe(true);
  });

  it('the encoder refuses what the decoder would refuse', () => {
    expect(() => encodeLeaf({ ...leaf, fingerprint: null })).toThrow();
    expect(() => encodeLeaf({ ...leaf, event: 'key_revoked', previous: bytes32(5) })).toThrow();
    expect(() => encodeLeaf({ ...leaf, time: -1 })).toThrow();
    expect(() => encodeLeaf({ ...leaf, label: new Uint8Array(31) })).toThrow();
  });

  it('property: decode(encode(x)) = x, and any 106 bytes decode to a leaf that re-encodes identically or are malformed', () => {
    const events = Object.keys(LEAF_EVENTS) as LeafEvent[];
    fc.assert(
      fc.property(
        fc.constantFrom(...events),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((b) => b.some((x) => x)),
        fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((b) => b.some((x) => x)),
        (event, time, label, fp, prev) => {
          const withFp = event === 'address_released' ? null : fp;
          const withPrev = ['key_published', 'envelope_identity_published', 'address_released'].includes(
            event,
          )
            ? prev
            : null;
          const l: Leaf = { event, time, label, fingerprint: withFp, previous: withPrev };
          expect(decodeLeaf(encodeLeaf(l))).toEqual(l);
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 106, maxLength: 106 }), fc.nat(5), (raw, event) => {
        raw[0] = 1;
        raw[1] = event + 1;
        try {
          expect(toHex(encodeLeaf(decodeLeaf(raw)))).toBe(toHex(raw));
        } catch (e) {
          expect(isNoiseError(e, 'malformed')).toBe(true);
        }
      }),
    );
  });
});
