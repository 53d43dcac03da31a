import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMITTED_SHOTS, pngSize, README_SHOTS } from './readme-shots.ts';

describe('README screenshots', () => {
  it('are exactly the ones the e2e scenes take, each a PNG the README shows', () => {
    const files = readdirSync(COMMITTED_SHOTS).filter((f) => f.endsWith('.png'));
    expect(files.sort()).toEqual(README_SHOTS.map((n) => `${n}.png`).sort());
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    for (const name of README_SHOTS) {
      expect(readme).toContain(`docs/screenshots/${name}.png`);
      const { width, height } = pngSize(readFileSync(join(COMMITTED_SHOTS, `${name}.png`)));
      expect(width).toBeGreaterThan(300);
      expect(height).toBeGreaterThan(300);
    }
  });

  it('reads a PNG size from its header, and refuses what is not a PNG', () => {
    const header = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 4, 0x4c, 0,
      0, 3, 0x84,
    ]);
    expect(pngSize(header)).toEqual({ width: 1100, height: 900 });
    expect(() => pngSize(new Uint8Array(24))).toThrow('not a PNG');
  });
});
