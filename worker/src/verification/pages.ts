// The two small HTML pages of the mailed link. GET only shows a form; the form's POST confirms.
// No scripts, no remote loads; the CSP forbids both.

import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { IGNORE_SENTENCE, purposeSentence } from './purpose.ts';
import type { LinkTarget } from './verification-store.ts';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function page(c: Context<AppEnv>, title: string, body: string) {
  c.header('Content-Security-Policy', CSP);
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${escapeHtml(title)}</title><style>body{font:16px system-ui;max-width:34rem;margin:3rem auto;padding:0 1rem}` +
      `button{font:inherit;padding:.5rem 1.2rem}</style></head><body>${body}</body></html>`,
  );
}

export function pendingLinkPage(c: Context<AppEnv>, target: LinkTarget) {
  return page(
    c,
    'Confirm your address',
    `<h1>Confirm ${escapeHtml(target.address)}</h1><p>${escapeHtml(purposeSentence(target.address, target))}</p>` +
      `<p>${escapeHtml(IGNORE_SENTENCE)}</p>` +
      `<form method="post"><button type="submit">Confirm</button></form>`,
  );
}

export function confirmLinkPage(c: Context<AppEnv>, target: LinkTarget) {
  return page(
    c,
    'Address confirmed',
    `<h1>${escapeHtml(target.address)} is confirmed</h1><p>${escapeHtml(purposeSentence(target.address, target))}</p>` +
      '<p>Return to the Noise Email extension to finish.</p>',
  );
}
