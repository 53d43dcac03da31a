// The codecs behind shared/encoding.ts: exact round trips, and one encoding per byte string
// (RFC 4648 §3.5: non-canonical padding bits, missing or extra padding, whitespace refused).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromBase64,
  fromBase64Url,
  fromHex,
  latin1,
  lp8,
  toBase64,
  toBase64Url,
  toHex,
  toZBase32,
  utf8,
} from './encoding.ts';

describe('encodings', () => {
  it('round-trip any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (b) => {
        expect(fromBase64(toBase64(b))).toEqual(b);
        expect(fromBase64Url(toBase64Url(b))).toEqual(b);
        expect(fromHex(toHex(b))).toEqual(b);
        expect(fromHex(toHex(b).toUpperCase())).toEqual(b);
        expect(toBase64Url(b)).not.toMatch(/[=+/]/);
        expect(latin1(b)).toHaveLength(b.length);
      }),
    );
  });

  it('refuse every other spelling of the same bytes', () => {
    for (const bad of ['AB==', 'AAB=', 'AA', 'A===', 'AA =', ' AAA', 'AA==\n', '-_8='])
      expect(() => fromBase64(bad), bad).toThrow(TypeError);
    for (const bad of ['A', 'AB', 'AAB', 'AA==', '+/8', 'AA A'])
      expect(() => fromBase64Url(bad), bad).toThrow(TypeError);
    for (const bad of ['abc', 'zz', ' ab', '0x00']) expect(() => fromHex(bad), bad).toThrow(TypeError);
  });

  it('lp8 frames up to 255 bytes (docs/spec/envelope-v1.md §1.3)', () => {
    expect(lp8('alice@example.org')).toEqual(new Uint8Array([17, ...utf8('alice@example.org')]));
    expect(lp8('é'.repeat(127)).length).toBe(255);
    expect(() => lp8('x'.repeat(256))).toThrow(RangeError);
  });

  it('z-base32 (RFC 6189 §5.1.6)', () => {
    expect(toZBase32(new Uint8Array([0]))).toBe('yy');
    expect(toZBase32(new Uint8Array([0xff]))).toBe('9h');
    expect(toZBase32(new Uint8Array([0xf0, 0xbf, 0xc7]))).toBe('6n9hq');
  });
});
