import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isSecurityMark,
  MARK_HUES,
  MARK_PICTURES,
  newSecurityMark,
  pictureMessage,
  viewOf,
} from './security-mark.ts';

const extension = join(import.meta.dirname, '..');

/**
 * The pictures as marks stored before they were SVG files (emoji then): a stored mark is three
 * indexes into this order, so it must never change, or users' marks would change under them.
 */
const LEGACY_ORDER =
  'fox turtle octopus owl bee butterfly whale giraffe elephant hedgehog penguin crab snail parrot frog zebra ' +
  'cactus sunflower mushroom fir-tree maple-leaf tulip clover palm-tree lemon grapes watermelon cherries carrot ' +
  'corn pretzel cheese doughnut cookie balloon gift guitar trumpet drum die puzzle-piece kite anchor bicycle ' +
  'sailboat locomotive rocket flying-saucer alarm-clock key light-bulb telescope magnet ringed-planet ' +
  'crescent-moon star rainbow snowflake fire wave mountain castle moai top-hat';

describe('security mark', () => {
  it('has 64 distinct pictures, in the order stored marks index', () => {
    expect(MARK_PICTURES).toHaveLength(64);
    expect(new Set(MARK_PICTURES).size).toBe(64);
    expect(MARK_PICTURES.join(' ')).toBe(LEGACY_ORDER);
  });

  it('has an SVG file for every picture, and a name in every locale', () => {
    const locales = ['en', 'de'].map(
      (l) =>
        JSON.parse(readFileSync(join(extension, `public/_locales/${l}/messages.json`), 'utf8')) as Record<
          string,
          { message: string }
        >,
    );
    for (const id of MARK_PICTURES) {
      const file = join(extension, 'public/pictures', `${id}.svg`);
      expect(existsSync(file), id).toBe(true);
      expect(readFileSync(file, 'utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      for (const messages of locales) expect(messages[pictureMessage(id)]?.message, id).toBeTruthy();
    }
    // Names that a listener can tell apart, in each language.
    for (const messages of locales)
      expect(new Set(MARK_PICTURES.map((id) => messages[pictureMessage(id)]?.message)).size).toBe(64);
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

  it('shows a mark stored as indexes as its pictures, names and a hue', () => {
    const v = viewOf({ symbols: [0, 19, 34], hue: 4, createdAt: 7 });
    expect(v).toEqual({
      pictures: ['fox', 'fir-tree', 'balloon'],
      names: 'fox, fir tree, balloon',
      hueDegrees: 120,
      createdAt: 7,
    });
  });
});
