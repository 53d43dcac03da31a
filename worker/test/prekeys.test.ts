// Envelope prekeys: signed prekey upload and rotation, one-time prekey batches and
// stock, and bundle fetches (atomic handout, exhaustion, token-bucket limits per requester and target).

import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
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

/**
 * Runs `fn` with Date standing still (the Worker runs in this isolate), so bucket refills
 * happen only when the test moves the clock, however slow the machine is.
 */
async function withFrozenClock<T>(fn: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now());
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

/** `count` concurrent fetches from one requester, all expected to succeed. */
async function fetchMany(address: string, ip: string, count: number): Promise<PrekeyBundle[]> {
  const responses = await Promise.all(Array.from({ length: count }, () => fetchBundle(address, ip)));
  return Promise.all(responses.map(async (r) => PrekeyBundle.parse(await r.json())));
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

  it('limits fetches per requester (429); a requester over its limit spends none of the target’s handouts', async () => {
    const a = await registerAccount({ oneTimePrekeys: 150 });
    const hammer = '203.0.113.50';
    await withFrozenClock(async () => {
      const statuses: number[] = [];
      for (let i = 0; i < BUNDLE_LIMITS.requester.capacity + 100; i++)
        statuses.push((await fetchBundle(a.address, hammer)).status);
      expect(statuses.slice(0, BUNDLE_LIMITS.requester.capacity).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(BUNDLE_LIMITS.requester.capacity).every((s) => s === 429)).toBe(true);
      const limited = await fetchBundle(a.address, hammer);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(await limited.json()).toHaveProperty('error.code', 'rate_limited');
      // Another requester still receives a one-time prekey: the refused fetches cost the target nothing.
      const other = PrekeyBundle.parse(await (await fetchBundle(a.address, '192.0.2.200')).json());
      expect(other.oneTimePrekey).not.toBeNull();
      expect(other.noOneTimePrekey).toBe(false);
    });
  });

  it('counts a bundle against the target only when it hands out a one-time prekey', async () => {
    const a = await registerAccount({ oneTimePrekeys: 0 });
    // More bundles than the target allowance, none with a one-time prekey (stock empty)…
    for (let r = 0; r < 4; r++)
      await fetchMany(a.address, `198.51.100.${r + 20}`, BUNDLE_LIMITS.requester.capacity);
    const up = await call('/api/v1/prekeys/one-time', {
      method: 'POST',
      token: a.token,
      json: { oneTimePrekeys: oneTimePrekeyBatch(1, 5) },
    });
    expect(up.status).toBe(200);
    // …so the next requester gets one.
    const next = PrekeyBundle.parse(await (await fetchBundle(a.address, '198.51.100.40')).json());
    expect(next.oneTimePrekey?.id).toBe(1);
  });

  it(`hands out at most ${BUNDLE_LIMITS.target.capacity} one-time prekeys per target at once`, async () => {
    const a = await registerAccount({ oneTimePrekeys: 150 });
    const requesters = Math.ceil((BUNDLE_LIMITS.target.capacity + 10) / BUNDLE_LIMITS.requester.capacity);
    const bundles = await withFrozenClock(async () => {
      const out: PrekeyBundle[] = [];
      for (let r = 0; r < requesters; r++)
        out.push(...(await fetchMany(a.address, `192.0.2.${r + 100}`, BUNDLE_LIMITS.requester.capacity)));
      return out;
    });
    const handed = bundles.filter((b) => b.oneTimePrekey !== null).length;
    expect(handed).toBe(BUNDLE_LIMITS.target.capacity);
    expect((await stockOf(a.token)).oneTimePrekeys).toBe(150 - handed);
  });

  it('refills continuously: a window boundary does not let a second allowance through', async () => {
    const a = await registerAccount({ oneTimePrekeys: 0 });
    const ip = '198.18.0.1';
    const minute = 60_000;
    const boundary = (Math.floor(Date.now() / minute) + 2) * minute;
    await withFrozenClock(async () => {
      vi.setSystemTime(boundary - 2_000);
      const before = await Promise.all(
        Array.from({ length: BUNDLE_LIMITS.requester.capacity + 1 }, () => fetchBundle(a.address, ip)),
      );
      expect(before.filter((r) => r.status === 200).length).toBe(BUNDLE_LIMITS.requester.capacity);
      // 4 s later, across the minute: a fixed window would allow 30 again; the bucket refilled 2.
      vi.setSystemTime(boundary + 2_000);
      const after = await Promise.all(Array.from({ length: 10 }, () => fetchBundle(a.address, ip)));
      expect(after.filter((r) => r.status === 200).length).toBe(2);
    });
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
