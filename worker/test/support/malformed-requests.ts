// Hostile requests for the malformed-input tests (inbox-malformed, relay-log-malformed): one
// request described as data, a body that streams past a limit without a Content-Length, and the
// check that docs/api.md "Conventions" promises — a 4xx with the JSON error shape, never a 5xx.

import { SELF } from 'cloudflare:test';
import { expect } from 'vitest';
import { BASE } from './accounts.ts';

export const MiB = 1024 * 1024;

export interface Case {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** The status docs/api.md names, and its code; otherwise any 4xx with the JSON error shape. */
  status?: number;
  code?: string;
}

export function call(c: Case, token: string | null): Promise<Response> {
  const headers = new Headers(c.headers);
  if (token && !headers.has('Authorization')) headers.set('Authorization', `Bearer ${token}`);
  return SELF.fetch(`${BASE}${c.path}`, { method: c.method, headers, body: c.body ?? null });
}

/** A body that streams `bytes` zero bytes in 1 MiB pieces, with no Content-Length. */
export function streamed(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const n = Math.min(MiB, bytes - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n));
    },
  });
}

export async function expect4xx(c: Case, token: string | null): Promise<void> {
  const res = await call(c, token);
  const text = await res.text();
  const what = `${c.method} ${c.path.slice(0, 120)} ${JSON.stringify(c.headers ?? {})} → ${res.status} ${text.slice(0, 160)}`;
  if (c.status) expect(res.status, what).toBe(c.status);
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  if (c.method === 'HEAD') return;
  expect(res.headers.get('Content-Type') ?? '', what).toMatch(/^application\/json/);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code, what).toMatch(/^[a-z_]+$/);
  expect(typeof body.error.message, what).toBe('string');
  if (c.code) expect(body.error.code, what).toBe(c.code);
}

/** Strings no route may take for an inbox address (some are addresses, none an inbox name). */
export const BAD_ADDRESSES = [
  '😀@noise.localhost',
  'ä@nöise.localhost',
  '"quoted"@noise.localhost',
  'a@[127.0.0.1]',
  'a..b@noise.localhost',
  `${'a'.repeat(65)}@noise.localhost`,
  `a@${'b'.repeat(250)}.localhost`,
  'a@noise.localhost\u0000',
  '\u202Ealice@noise.localhost',
  '@',
  '',
];
