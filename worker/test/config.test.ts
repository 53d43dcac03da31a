// Production settings fail closed (worker/src/http/config.ts): development is only what
// ENVIRONMENT = "development" says; a production Worker without SERVER_SECRET, EXTENSION_ORIGINS
// or an https SERVICE_URL refuses every account route with a 4xx JSON error (never a 5xx) and
// logs what is missing, while public lookups keep answering.

import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { app } from '../src/app.ts';
import { configProblems } from '../src/http/config.ts';
import { BASE, EXTENSION_ORIGIN, registerAccount } from './support/accounts.ts';
import { PRODUCTION_SETTINGS } from './support/production.ts';

const PRODUCTION = { ...env, ...PRODUCTION_SETTINGS };

function request(e: typeof env, method: string, path: string, headers: Record<string, string> = {}) {
  const body = method === 'GET' || method === 'HEAD' ? undefined : '{}';
  return Promise.resolve(
    app.request(
      `${BASE}${path}`,
      { method, body, headers: { 'Content-Type': 'application/json', ...headers } },
      e,
    ),
  );
}

/** Every account route the app registers, with its parameters filled in. */
function accountRoutes(): { method: string; path: string }[] {
  const account =
    /^\/api\/v1\/(verifications|accounts|account|auth|sessions|vault|directory|prekeys\/(signed|one-time|stock)|inboxes|relay|security-log)/;
  const seen = new Map<string, { method: string; path: string }>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.endsWith('*') || !account.test(r.path)) continue;
    const path = r.path.replace(/:[A-Za-z_]+/g, 'a'.repeat(43));
    seen.set(`${r.method} ${path}`, { method: r.method, path });
  }
  return [...seen.values()];
}

afterEach(() => vi.restoreAllMocks());

describe('fail closed in production', () => {
  it('development is explicit: without ENVIRONMENT the Worker is production', () => {
    expect(env.ENVIRONMENT).toBe('development');
    const { ENVIRONMENT: _, ...unset } = PRODUCTION;
    expect(configProblems({ ...unset, SERVER_SECRET: undefined })).toEqual([
      expect.stringContaining('SERVER_SECRET'),
    ]);
    expect(configProblems({ ...PRODUCTION, ENVIRONMENT: 'staging', SERVER_SECRET: '' })).toHaveLength(1);
    expect(configProblems({ ...PRODUCTION, ENVIRONMENT: 'development', SERVER_SECRET: undefined })).toEqual(
      [],
    );
  });

  it('without SERVER_SECRET every account route answers 403 server_not_configured, and it is logged', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const e = { ...PRODUCTION, SERVER_SECRET: undefined };
    const routes = accountRoutes();
    expect(routes.length).toBeGreaterThan(15);
    for (const { method, path } of routes) {
      const res = await request(e, method, path, { Authorization: `Bearer ${'t'.repeat(43)}` });
      expect(res.status, `${method} ${path}`).toBe(403);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, `${method} ${path}`).toBe('server_not_configured');
      expect(body.error.message).toContain('SERVER_SECRET');
    }
    const lines = errors.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('SERVER_SECRET'));
    expect(lines).toHaveLength(1);
    // Public lookups keep answering.
    const a = await registerAccount();
    expect((await request(e, 'GET', `/api/v1/lookup/by-email/${a.address}`)).status).toBe(200);
    expect((await request(e, 'GET', `/vks/v1/by-email/${a.address}`)).status).toBe(200);
  });

  it('an empty EXTENSION_ORIGINS allows any extension only in development', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const open = { ...PRODUCTION, EXTENSION_ORIGINS: '' };
    const res = await request(open, 'POST', '/api/v1/auth/kdf', { Origin: EXTENSION_ORIGIN });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('server_not_configured');
    const devOpen = { ...env, EXTENSION_ORIGINS: '' };
    const dev = await request(devOpen, 'POST', '/api/v1/auth/kdf', { Origin: EXTENSION_ORIGIN });
    expect(dev.status).toBe(400); // {} is not a valid body; the origin was admitted
  });

  it('an http:// SERVICE_URL is refused in production', () => {
    expect(configProblems({ ...PRODUCTION, SERVICE_URL: 'http://api.noise.test' })).toEqual([
      expect.stringContaining('SERVICE_URL'),
    ]);
  });

  it('a configured production Worker serves listed extension origins only', async () => {
    const kdf = (origin?: string) =>
      app.request(
        `${BASE}/api/v1/auth/kdf`,
        {
          method: 'POST',
          body: JSON.stringify({ address: 'someone@example.org' }),
          headers: { 'Content-Type': 'application/json', ...(origin ? { Origin: origin } : {}) },
        },
        PRODUCTION,
      );
    expect((await kdf(EXTENSION_ORIGIN)).status).toBe(200);
    expect((await kdf()).status).toBe(200);
    expect((await kdf('chrome-extension://bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')).status).toBe(403);
  });
});
