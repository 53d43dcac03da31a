// Page flows shared by the extension e2e tests, identical in Chromium and Firefox.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ExtensionPage } from '../browsers/launch.ts';

export const PASSPHRASE = 'correct horse battery staple orbit lantern';

export async function fingerprints(page: ExtensionPage): Promise<{ pgp: string; envelope: string }> {
  await page.waitFor('[data-testid=fp-pgp]');
  return page.evaluate(() => ({
    pgp: document.querySelector('[data-testid=fp-pgp]')?.getAttribute('data-value') ?? '',
    envelope: document.querySelector('[data-testid=fp-envelope]')?.getAttribute('data-value') ?? '',
  }));
}

export async function setServer(page: ExtensionPage, url: string): Promise<void> {
  await page.fill('input[name=server]', url);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core inside the page; returns the violations (rule id and offending nodes). */
export async function axeViolations(page: ExtensionPage): Promise<{ id: string; nodes: string[] }[]> {
  // Injected by the driver (not a <script> tag), so the extension page's CSP stays intact.
  // Rendered first: an empty page while the background answers would fail heading rules.
  await page.waitFor('h1');
  if (!(await page.evaluate(() => 'axe' in window))) await page.runScript(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(o?: unknown): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const r = await axe.run();
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
