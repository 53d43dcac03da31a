import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecurityMark, MARK_HUES, MARK_SYMBOLS, newSecurityMark, viewOf } from './security-mark.ts';

describe('security mark', () => {
  it('has 64 distinct pictures with distinct names', () => {
    expect(MARK_SYMBOLS).toHaveLength(64);
    expect(new Set(MARK_SYMBOLS.map(([p]) => p)).size).toBe(64);
    expect(new Set(MARK_SYMBOLS.map(([, n]) => n)).size).toBe(64);
  });

  it('draws every index in range, for any random bytes, without modulo bias', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
        let i = 0;
        // Exhausted input falls back to 0 bytes, which are below every limit.
        const random = (b: Uint8Array) => {
          b[0] = bytes[i++ % bytes.length] ?? 0;
          return b;
        };
        const m = newSecurityMark(1, random);
        expect(isSecurityMark(m)).toBe(true);
      }),
    );
    // 12 hues: bytes from 252 up are thrown away (256 % 12 = 4), so 255 is skipped and 13 → 1.
    const seq = [0, 1, 2, 255, 13];
    let k = 0;
    const m = newSecurityMark(1, (b) => {
      b[0] = seq[k++] as number;
      return b;
    });
    expect(m.symbols).toEqual([0, 1, 2]);
    expect(m.hue).toBe(1);
  });

  it('differs between draws from the real CSPRNG', () => {
    const marks = new Set(Array.from({ length: 50 }, () => JSON.stringify(newSecurityMark(1).symbols)));
    expect(marks.size).toBeGreaterThan(45);
  });

  it('refuses stored records that are not a mark', () => {
    expect(isSecurityMark({ symbols: [0, 1, 64], hue: 0, createdAt: 1 })).toBe(false);
    expect(isSecurityMark({ symbols: [0, 1], hue: 0, createdAt: 1 })).toBe(false);
    expect(isSecurityMark({ symbols: [0, 1, 2], hue: MARK_HUES, createdAt: 1 })).toBe(false);
    expect(isSecurityMark(null)).toBe(false);
  });

  it('is shown as pictures, names and a hue', () => {
    const v = viewOf({ symbols: [0, 16, 34], hue: 4, createdAt: 7 });
    expect(v).toEqual({ pictures: '🦊🌵🎈', names: 'fox, cactus, balloon', hueDegrees: 120, createdAt: 7 });
  });
});
