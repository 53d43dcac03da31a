// The security mark drawn as images, checked in a frame of either browser: each picture is an
// <img> of a bundled SVG whose decoded pixels equal a fresh rendering of the packaged file, and
// no text glyph stands in for it. The browsers run with no emoji font (e2e/browsers/launch.ts
// NO_EMOJI_FONTS), which the same check proves: an emoji drawn as text has no colour there.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

const pictures = resolve(import.meta.dirname, '../../extension/public/pictures');

export interface MarkReport {
  pictures: string | null;
  /** Text inside the pictures box (must be none: no glyphs). */
  text: string;
  images: {
    src: string;
    svg: string;
    width: number;
    height: number;
    /** Largest difference of any channel of any pixel, shown vs. freshly rendered file. */
    diff: number;
    opaque: number;
  }[];
  /** Coloured pixels of the fox emoji drawn as text on a canvas: 0 without an emoji font. */
  emojiColouredPixels: number;
}

/** Runs in the frame (Playwright evaluate, or as a string through BiDi); returns JSON. */
export async function markReport(): Promise<string> {
  const mark = document.querySelector('[data-testid=security-mark]') as HTMLElement;
  const box = mark.querySelector('.pictures') as HTMLElement;
  const size = 40;
  const pixels = (source: CanvasImageSource) => {
    const c = document.createElement('canvas');
    c.width = size;
    c.height = size;
    const g = c.getContext('2d') as CanvasRenderingContext2D;
    g.drawImage(source, 0, 0, size, size);
    return g.getImageData(0, 0, size, size).data;
  };
  const images = [];
  for (const img of [...box.querySelectorAll('img')]) {
    await img.decode();
    const svg = await (await fetch(img.src)).text();
    const fresh = new Image();
    fresh.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    await fresh.decode();
    const shown = pixels(img);
    const ref = pixels(fresh);
    let diff = 0;
    let opaque = 0;
    for (let i = 0; i < shown.length; i += 4) {
      for (let k = 0; k < 4; k++) diff = Math.max(diff, Math.abs((shown[i + k] ?? 0) - (ref[i + k] ?? 0)));
      if ((shown[i + 3] ?? 0) > 200) opaque++;
    }
    const r = img.getBoundingClientRect();
    images.push({
      src: img.getAttribute('src') ?? '',
      svg,
      width: r.width,
      height: r.height,
      diff,
      opaque,
    });
  }
  const c = document.createElement('canvas');
  c.width = 48;
  c.height = 48;
  const g = c.getContext('2d') as CanvasRenderingContext2D;
  g.font = '36px sans-serif';
  g.fillText('\u{1F98A}', 0, 40);
  const d = g.getImageData(0, 0, 48, 48).data;
  let coloured = 0;
  for (let i = 0; i < d.length; i += 4)
    if ((d[i + 3] ?? 0) > 0 && Math.max(Math.abs(d[i]! - d[i + 1]!), Math.abs(d[i + 1]! - d[i + 2]!)) > 40)
      coloured++;
  return JSON.stringify({
    pictures: mark.getAttribute('data-pictures'),
    text: box.textContent ?? '',
    images,
    emojiColouredPixels: coloured,
  } satisfies MarkReport);
}

/** The report shows the user's three pictures as the bundled SVG files, with no emoji font around. */
export function expectMarkFromBundledSvg(json: string, mark: { pictures: string[] }): void {
  const report = JSON.parse(json) as MarkReport;
  expect(report.emojiColouredPixels, 'an emoji font is available: the check proves nothing').toBe(0);
  expect(report.pictures).toBe(mark.pictures.join(' '));
  expect(report.text.trim()).toBe('');
  expect(report.images.map((i) => i.src)).toEqual(mark.pictures.map((id) => `/pictures/${id}.svg`));
  for (const [n, image] of report.images.entries()) {
    const id = mark.pictures[n] as string;
    expect(image.svg, id).toBe(readFileSync(join(pictures, `${id}.svg`), 'utf8'));
    expect(image.width, id).toBe(20);
    expect(image.height, id).toBe(20);
    // Pixel for pixel the bundled picture (small tolerance for the browser's resampling).
    expect(image.diff, id).toBeLessThanOrEqual(8);
    // A picture, not a blank: a good part of its square is drawn.
    expect(image.opaque, id).toBeGreaterThan(100);
  }
}
