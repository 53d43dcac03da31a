// CORS, body limits and malformed input on the account routes.

import { env } from 'cloudflare:test';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { app } from '../src/app.ts';
import type { AppEnv } from '../src/env.ts';
import { isExtensionOrigin, publicCors } from '../src/http/cors.ts';
import { api, BASE, EXTENSION_ORIGIN, expectError, registerAccount } from './support/accounts.ts';

describe('CORS on account routes', () => {
  it('answers a preflight from an extension origin', async () => {
    for (const origin of [EXTENSION_ORIGIN, 'moz-extension://3f0e8c1a-9b7d-4c3e-8f2a-1b2c3d4e5f60']) {
      const res = await api('/api/v1/vault', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'PUT',
          'Access-Control-Request-Headers': 'authorization,if-match',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(origin);
      expect(res.headers.get('Access-Control-Allow-Headers')).toMatch(/If-Match/i);
      expect(res.headers.get('Access-Control-Allow-Methods')).toMatch(/PUT/);
    }
  });

  it('refuses web origins outright, also on preflight', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost:3000']) {
      await expectError(
        await api('/api/v1/auth/kdf', {
          method: 'POST',
          json: { address: 'a@b.example' },
          headers: { Origin: origin },
        }),
        403,
        'origin_not_allowed',
      );
      const pre = await api('/api/v1/auth/login', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
      expect(pre.status).toBe(403);
      expect(pre.headers.get('Access-Control-Allow-Origin')).toBeNull();
    }
  });

  it('serves an extension request with its origin echoed and lets the CLI (no Origin) through', async () => {
    const a = await registerAccount();
    const ext = await api('/api/v1/vault', {
      token: a.session.accessToken,
      headers: { Origin: EXTENSION_ORIGIN },
    });
    expect(ext.status).toBe(200);
    expect(ext.headers.get('Access-Control-Allow-Origin')).toBe(EXTENSION_ORIGIN);
    expect(ext.headers.get('Access-Control-Expose-Headers')).toMatch(/ETag/);
    expect((await api('/api/v1/vault', { token: a.session.accessToken })).status).toBe(200);
  });

  it('limits origins to EXTENSION_ORIGINS when it is set', async () => {
    const configured =
      'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, moz-extension://11111111-2222-3333-4444-555555555555';
    const dev = (origins: string) => ({ ENVIRONMENT: 'development', EXTENSION_ORIGINS: origins });
    expect(isExtensionOrigin(dev(configured), 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')).toBe(
      true,
    );
    expect(isExtensionOrigin(dev(configured), EXTENSION_ORIGIN)).toBe(false);
    expect(isExtensionOrigin(dev(''), EXTENSION_ORIGIN)).toBe(true);
    expect(isExtensionOrigin(dev(''), 'chrome-extension://x/evil')).toBe(false);
    // Production: an empty list admits nothing; moz-extension://* admits every Firefox install.
    expect(isExtensionOrigin({ ENVIRONMENT: 'production', EXTENSION_ORIGINS: '' }, EXTENSION_ORIGIN)).toBe(
      false,
    );
    const firefox = { ENVIRONMENT: 'production', EXTENSION_ORIGINS: 'moz-extension://*' };
    expect(isExtensionOrigin(firefox, 'moz-extension://11111111-2222-3333-4444-555555555555')).toBe(true);
    expect(isExtensionOrigin(firefox, EXTENSION_ORIGIN)).toBe(false);
    const res = await app.request(
      `${BASE}/api/v1/auth/kdf`,
      {
        method: 'POST',
        body: JSON.stringify({ address: 'a@b.example' }),
        headers: { 'Content-Type': 'application/json', Origin: EXTENSION_ORIGIN },
      },
      { ...env, EXTENSION_ORIGINS: configured },
    );
    expect(res.status).toBe(403);
  });

  it('publicCors answers any origin', async () => {
    const pub = new Hono<AppEnv>().use('*', publicCors).get('/x', (c) => c.json({ ok: true }));
    const res = await pub.request('/x', { headers: { Origin: 'https://anyone.example' } });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});

describe('malformed input', () => {
  it('caps bodies with a JSON 413', async () => {
    const big = JSON.stringify({ address: `${'a'.repeat(20_000)}@b.example` });
    await expectError(
      await api('/api/v1/auth/kdf', {
        method: 'POST',
        body: big,
        headers: { 'Content-Type': 'application/json' },
      }),
      413,
      'body_too_large',
    );
    await expectError(
      await api('/api/v1/accounts', {
        method: 'POST',
        body: 'x'.repeat(3 * 1024 * 1024),
        headers: { 'Content-Type': 'application/json' },
      }),
      413,
    );
  });

  it('answers bad JSON, wrong content types and wrong shapes with a JSON 400', async () => {
    await expectError(
      await api('/api/v1/auth/kdf', {
        method: 'POST',
        body: '{',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'malformed_json',
    );
    await expectError(
      await api('/api/v1/auth/kdf', {
        method: 'POST',
        body: 'address=a@b.example',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      400,
    );
    await expectError(
      await api('/api/v1/auth/kdf', { method: 'POST', json: [1, 2] }),
      400,
      'invalid_request',
    );
    await expectError(await api('/api/v1/auth/kdf', { method: 'POST', json: null }), 400);
    await expectError(
      await api('/api/v1/accounts', { method: 'POST', json: { address: 'x@noise.localhost' } }),
      400,
      'invalid_request',
    );
  });
});
