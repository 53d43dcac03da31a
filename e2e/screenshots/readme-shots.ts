// The README's screenshots (docs/screenshots/*.png), taken by the existing e2e scenes in Chromium
// at a fixed viewport: onboarding and the options page (e2e/extension/account.e2e.ts), the
// compose overlay and the read overlay with its verdict (e2e/overlays/overlays.e2e.ts).
// `npm run screenshots` runs those scenes with NOISE_README_SHOTS=write and writes the files the
// README shows; every other e2e run writes them to test-output/readme-shots and checks that
// each still has the committed one's size, so a UI change that changes the layout is noticed
// (pixels are not compared: fonts and timestamps differ between machines).

import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const README_SHOTS = ['onboarding', 'compose', 'read', 'options'] as const;
export type ReadmeShot = (typeof README_SHOTS)[number];

const root = resolve(import.meta.dirname, '../..');
export const COMMITTED_SHOTS = join(root, 'docs/screenshots');
const writing = process.env.NOISE_README_SHOTS === 'write';

/** Width and height from a PNG's IHDR chunk (PNG spec §11.2.2: right after the 8-byte signature). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (png.length < 24 || view.getUint32(0) !== 0x89504e47 || view.getUint32(12) !== 0x49484452)
    throw new Error('not a PNG');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Takes one README screenshot through `take(path)`, then checks it against the committed one. */
export async function readmeShot(name: ReadmeShot, take: (path: string) => Promise<unknown>): Promise<void> {
  const dir = writing ? COMMITTED_SHOTS : join(root, 'test-output/readme-shots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await take(path);
  const committed = join(COMMITTED_SHOTS, `${name}.png`);
  expect(
    pngSize(readFileSync(path)),
    `${name}.png differs in size from docs/screenshots: run npm run screenshots`,
  ).toEqual(pngSize(readFileSync(committed)));
}
