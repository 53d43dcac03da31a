// Property test: random methods, paths (every route the app registers, with
// random parameters, plus random paths), headers and bodies never produce a 5xx, and every
// 4xx carries the one JSON error shape. Routes are read from app.routes at runtime, so the
// directory's routes are covered too.

import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { KDF_DEFAULTS, SessionTokens } from '../../shared/api/accounts.ts';
import { app } from '../src/app.ts';
import { api, EXTENSION_ORIGIN, randomB64u, registerAccount } from './support/accounts.ts';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const;
const FIELDS = [
  'address',
  'authKey',
  'deviceName',
  'kdf',
  'vault',
  'keys',
  'refreshToken',
  'code',
  'proofToken',
  'currentAuthKey',
  'newAuthKey',
  'vaultVersion',
  'openpgpKey',
  'envelope',
  'oneTimePrekeys',
  'revocation',
  'signedPrekey',
  'identity',
];

/** Registered handlers as (method, template) pairs, e.g. DELETE "/api/v1/sessions/:id"; middleware-only entries dropped. */
function routeTemplates(): { method: string; path: string }[] {
  const seen = new Map<string, { method: string; path: string }>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || r.path.endsWith('*')) continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  return [...seen.values()];
}

const segment = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.stringMatching(/^[0-9A-Fa-f]{8,64}$/),
  fc.emailAddress(),
  fc.constantFrom('0x', '..', '%00', 'test1', 'a@noise.localhost', 'x'.repeat(300), '😀', '%E0%A4%A'),
);

function fill(template: string, values: string[]): string {
  let i = 0;
  return template.replace(/:[A-Za-z_]+(\{[^}]*\})?/g, () => {
    const v = values[i++ % values.length] ?? '';
    return /%/.test(v) ? v : encodeURIComponent(v);
  });
}

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
  fc.record({
    address: fc.oneof(fc.emailAddress(), fc.string()),
    authKey: fc.constant(randomB64u(32)),
    deviceName: fc.string(),
  }),
  fc.constant({ kdf: { ...KDF_DEFAULTS, salt: randomB64u(16) }, vault: 'AAAA' }),
);

const body = fc.oneof(
  jsonish.map((v) => ({ text: JSON.stringify(v), type: 'application/json' })),
  fc.string({ maxLength: 200 }).map((s) => ({ text: s, type: 'application/json' })),
  fc.string({ maxLength: 200 }).map((s) => ({ text: s, type: 'application/x-www-form-urlencoded' })),
  fc.string({ maxLength: 100 }).map((s) => ({ text: s, type: 'text/plain; charset=utf-8' })),
  fc.constant(undefined),
);

describe('fuzz: no input reaches a 5xx', () => {
  let token = '';
  let sessionId = '';
  let address = '';
  let authKey = '';

  beforeAll(async () => {
    const a = await registerAccount();
    token = a.session.accessToken;
    sessionId = a.session.sessionId;
    address = a.address;
    authKey = a.authKey;
  });

  /** Random requests may log this session out or revoke it; log in again when that happens. */
  async function liveToken(): Promise<string> {
    const row = await env.DB.prepare('SELECT revoked_at FROM sessions WHERE id = ?1')
      .bind(sessionId)
      .first<{ revoked_at: number | null }>();
    if (row && row.revoked_at === null) return token;
    const res = await api('/api/v1/auth/login', {
      method: 'POST',
      json: { address, authKey, deviceName: 'fuzz' },
      headers: { 'CF-Connecting-IP': '198.18.0.1' },
    });
    const tokens = SessionTokens.parse(await res.json());
    token = tokens.accessToken;
    sessionId = tokens.sessionId;
    return token;
  }

  it('covers the directory routes as well as the account routes', () => {
    const templates = routeTemplates();
    const paths = templates.map((t) => t.path);
    expect(paths).toContain('/api/v1/vault');
    expect(paths).toContain('/api/v1/sessions/:id');
    expect(paths.some((p) => p.startsWith('/vks/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('/api/v1/directory'))).toBe(true);
  });

  it('answers every random request below 500, with the JSON error shape on 4xx', async () => {
    const templates = routeTemplates();
    const target = fc.oneof(
      // Mostly a registered route with its own method, sometimes another method or a random path.
      {
        weight: 6,
        arbitrary: fc
          .tuple(fc.constantFrom(...templates), fc.array(segment, { minLength: 1, maxLength: 3 }))
          .map(([t, v]) => ({ method: t.method, path: fill(t.path, v) })),
      },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom(...METHODS),
            fc.constantFrom(...templates),
            fc.array(segment, { minLength: 1, maxLength: 3 }),
          )
          .map(([m, t, v]) => ({ method: m, path: fill(t.path, v) })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...METHODS), fc.webPath())
          .map(([m, p]) => ({ method: m, path: p })),
      },
    );
    const request = fc.record({
      target,
      query: fc.option(fc.webQueryParameters(), { nil: undefined }),
      auth: fc.constantFrom('none', 'valid', 'valid', 'garbage'),
      origin: fc.constantFrom(
        undefined,
        undefined,
        EXTENSION_ORIGIN,
        EXTENSION_ORIGIN,
        'https://evil.example',
        'null',
      ),
      ifMatch: fc.option(
        fc.oneof(
          fc.string({ maxLength: 20 }),
          fc.nat().map((n) => `"${n}"`),
        ),
        { nil: undefined },
      ),
      accept: fc.constantFrom(undefined, 'application/json', 'text/html', '*/*', 'application/pgp-keys'),
      body,
    });

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers = new Headers();
        if (r.auth === 'valid') headers.set('Authorization', `Bearer ${await liveToken()}`);
        if (r.auth === 'garbage') headers.set('Authorization', 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
        if (r.origin) headers.set('Origin', r.origin);
        if (r.ifMatch !== undefined) headers.set('If-Match', r.ifMatch.replace(/[\r\n]/g, ''));
        if (r.accept) headers.set('Accept', r.accept);
        const hasBody = r.body !== undefined && r.target.method !== 'GET' && r.target.method !== 'HEAD';
        if (hasBody && r.body) headers.set('Content-Type', r.body.type);
        const url = `https://noise.test${r.target.path.startsWith('/') ? r.target.path : `/${r.target.path}`}${r.query ? `?${r.query}` : ''}`;
        const res = await app.request(
          url,
          { method: r.target.method, headers, body: hasBody ? r.body?.text : undefined },
          env,
        );
        const text = await res.text();
        expect(res.status, `${r.target.method} ${url} → ${res.status} ${text.slice(0, 200)}`).toBeLessThan(
          500,
        );
        if (res.status >= 400 && r.target.method !== 'HEAD') {
          const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
          expect(typeof parsed.error?.code, `${r.target.method} ${url}: ${text.slice(0, 200)}`).toBe(
            'string',
          );
          expect(typeof parsed.error?.message).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });
});
