// Envelope prekeys (issue 3 §5): signed prekey upload and rotation, one-time prekey batches and
// stock, and bundle fetches (atomic handout, exhaustion, rate limits).

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { PrekeyBundle, PrekeyStock, SignedPrekeyResponse } from '../../shared/api/directory.ts';
import { BUNDLE_LIMITS } from '../src/prekeys/bundle.ts';
import {
  call,
  newEnvelope,
  oneTimePrekeyBatch,
  registerAccount,
  signedPrekey,
} from './directory-support/accounts.ts';

function fetchBundle(address: string, ip: string) {
  return call(`/api/v1/prekeys/bundle/${encodeURIComponent(address)}`, {
    method: 'POST',
    headers: { 'CF-Connecting-IP': ip },
  });
}

/** Fixed windows: start a counting test early in a window so it cannot straddle a reset. */
async function awayFromWindowEnd(periodMs: number, marginMs = 20_000) {
  const left = periodMs - (Date.now() % periodMs);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 50));
}

async function stockOf(token: string) {
  return PrekeyStock.parse(await (await call('/api/v1/prekeys/stock', { token })).json());
}

describe('signed prekeys', () => {
  it('accepts a rotation signed by the identity key and keeps the previous one for the grace period', async () => {
    const a = await registerAccount();
    const res = await call('/api/v1/prekeys/signed', {
      method: 'PUT',
      token: a.token,
      json: signedPrekey(a.signingSecret!, 2),
    });
    expect(res.status).toBe(200);
    expect(SignedPrekeyResponse.parse(await res.json())).toEqual({ id: 2, previousId: 1 });
    const { results } = await env.DB.prepare(
      'SELECT id, superseded_at IS NOT NULL AS superseded FROM signed_prekeys WHERE account_id = ?1 ORDER BY id',
    )
      .bind(a.accountId)
      .all();
    expect(results).toEqual([
      { id: 1, superseded: 1 },
      { id: 2, superseded: 0 },
    ]);
    expect((await stockOf(a.token)).signedPrekey?.id).toBe(2);
    const bundle = PrekeyBundle.parse(await (await fetchBundle(a.address, '192.0.2.1')).json());
    expect(bundle.signedPrekey.id).toBe(2);
  });

  it('refuses a signed prekey not signed by the identity key', async () => {
    const a = await registerAccount();
    const stranger = newEnvelope(0);
    const res = await call('/api/v1/prekeys/signed', {
      method: 'PUT',
      token: a.token,
      json: signedPrekey(stranger.signingSecret, 5),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty('error.code', 'bad_signature');
  });

  it('needs an identity and an access token', async () => {
    const a = await registerAccount({ envelope: false });
    const spk = signedPrekey(newEnvelope(0).signingSecret, 1);
    expect((await call('/api/v1/prekeys/signed', { method: 'PUT', token: a.token, json: spk })).status).toBe(
      409,
    );
    expect((await call('/api/v1/prekeys/signed', { method: 'PUT', json: spk })).status).toBe(401);
    expect((await call('/api/v1/prekeys/stock')).status).toBe(401);
  });
});

describe('one-time prekeys', () => {
  it('takes batches up to the cap, refuses duplicates, and reports the stock', async () => {
    const a = await registerAccount({ oneTimePrekeys: 10 });
    expect(await stockOf(a.token)).toEqual({
      signedPrekey: { id: 1, createdAt: expect.any(Number) },
      oneTimePrekeys: 10,
      cap: 200,
    });
    const up = (first: number, n: number) =>
      call('/api/v1/prekeys/one-time', {
        method: 'POST',
        token: a.token,
        json: { oneTimePrekeys: oneTimePrekeyBatch(first, n) },
      });
    const ok = await up(100, 150);
    expect(ok.status).toBe(200);
    expect(PrekeyStock.parse(await ok.json()).oneTimePrekeys).toBe(160);
    const full = await up(1000, 41);
    expect(full.status).toBe(400);
    expect(await full.json()).toHaveProperty('error.code', 'prekey_stock_full');
    const dup = await up(5, 1);
    expect(dup.status).toBe(409);
    expect(await dup.json()).toHaveProperty('error.code', 'duplicate_prekey');
    expect((await stockOf(a.token)).oneTimePrekeys).toBe(160);
  });
});

describe('bundles', () => {
  it('100 concurrent fetches for 50 one-time prekeys hand out exactly 50 distinct ones and 50 bundles without', async () => {
    const a = await registerAccount({ oneTimePrekeys: 50 });
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => fetchBundle(a.address, `198.51.100.${i % 10}`)),
    );
    const bundles = await Promise.all(
      responses.map(async (r) => {
        expect(r.status).toBe(200);
        return PrekeyBundle.parse(await r.json());
      }),
    );
    const handed = bundles.filter((b) => b.oneTimePrekey !== null);
    expect(handed.length).toBe(50);
    expect(new Set(handed.map((b) => b.oneTimePrekey!.id)).size).toBe(50);
    expect(new Set(handed.map((b) => b.oneTimePrekey!.publicKey)).size).toBe(50);
    const without = bundles.filter((b) => b.oneTimePrekey === null);
    expect(without.length).toBe(50);
    expect(without.every((b) => b.noOneTimePrekey && b.remaining === 0)).toBe(true);
    expect((await stockOf(a.token)).oneTimePrekeys).toBe(0);
  });

  it('reports how many remain', async () => {
    const a = await registerAccount({ oneTimePrekeys: 3 });
    const first = PrekeyBundle.parse(await (await fetchBundle(a.address, '203.0.113.9')).json());
    expect(first).toMatchObject({ address: a.address, noOneTimePrekey: false, remaining: 2 });
    expect(first.oneTimePrekey?.id).toBe(1);
  });

  it('limits fetches per requester (429) and one-time prekey handouts per target', async () => {
    const a = await registerAccount({ oneTimePrekeys: 150 });
    await awayFromWindowEnd(3_600_000);
    await awayFromWindowEnd(60_000);
    const ip = '203.0.113.50';
    const statuses = [];
    for (let i = 0; i < BUNDLE_LIMITS.requesterPerMinute + 1; i++)
      statuses.push((await fetchBundle(a.address, ip)).status);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
    const limited = await fetchBundle(a.address, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await limited.json()).toHaveProperty('error.code', 'rate_limited');
    // The requester was refused after the limit: BUNDLE_LIMITS.requesterPerMinute handouts so far.
    const served = BUNDLE_LIMITS.requesterPerMinute;
    const rest = BUNDLE_LIMITS.targetPerHour - served - 2; // the two refused fetches counted too
    await Promise.all(Array.from({ length: rest }, (_, i) => fetchBundle(a.address, `192.0.2.${i % 20}`)));
    const over = PrekeyBundle.parse(await (await fetchBundle(a.address, '192.0.2.200')).json());
    expect(over.oneTimePrekey).toBeNull();
    expect(over.noOneTimePrekey).toBe(true);
    expect(over.remaining).toBe(150 - served - rest);
  });

  it('answers 404 for unknown addresses or accounts without envelope keys, 400 for malformed ones', async () => {
    const a = await registerAccount({ envelope: false });
    expect((await fetchBundle('nobody@noise.localhost', '192.0.2.77')).status).toBe(404);
    const none = await fetchBundle(a.address, '192.0.2.77');
    expect(none.status).toBe(404);
    expect(await none.json()).toHaveProperty('error.code', 'no_envelope');
    expect((await fetchBundle('no-at-sign', '192.0.2.77')).status).toBe(400);
  });
});
