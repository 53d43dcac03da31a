// Public JSON lookups, the cache in front of all lookups and its invalidation, and the rule
// that unverified user IDs never appear in any lookup (JSON, VKS, HKP, WKD).

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { type EnvelopeKeys, KeyLookupResponse, PrekeyStock } from '../../shared/api/directory.ts';
import { fromBase64Url } from '../../shared/encoding.ts';
import { verifyIdentity } from '../../shared/envelope/identity.ts';
import { wkdHash } from '../../shared/wkd/hash.ts';
import { cacheUrl, forgetMemoryTier } from '../src/lookup/cache.ts';
import {
  bodyText,
  call,
  freshAddress,
  newEnvelope,
  newOpenpgpKey,
  publish,
  registerAccount,
  registerWithKey,
  userIdEmails,
} from './directory-support/accounts.ts';

describe('JSON lookups', () => {
  it('answers by address and by fingerprint, any origin', async () => {
    const a = await registerAccount();
    const res = await call(`/api/v1/lookup/by-email/${a.address.toUpperCase()}`, {
      headers: { Origin: 'https://mail.example.com' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*');
    const body = KeyLookupResponse.parse(await res.json());
    expect(body).toMatchObject({
      fingerprint: a.fingerprint,
      addresses: [a.address],
      revoked: false,
      envelope: true,
    });
    expect(await userIdEmails(body.openpgpKey)).toEqual([a.address]);
    const byFpr = KeyLookupResponse.parse(
      await (await call(`/api/v1/lookup/by-fingerprint/${a.fingerprint.toLowerCase()}`)).json(),
    );
    expect(byFpr.fingerprint).toBe(a.fingerprint);
  });

  it('says when no envelope bundle exists', async () => {
    const a = await registerAccount({ envelope: false });
    const body = KeyLookupResponse.parse(await (await call(`/api/v1/lookup/by-email/${a.address}`)).json());
    expect(body.envelope).toBe(false);
  });

  it('answers 404 and 400 in the error shape', async () => {
    const missing = await call('/api/v1/lookup/by-email/nobody@noise.localhost');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'not_found', message: 'No key found for this query.' },
    });
    expect((await call('/api/v1/lookup/by-email/not-an-address')).status).toBe(400);
    expect((await call('/api/v1/lookup/by-fingerprint/XYZ')).status).toBe(400);
  });

  it('refuses what docs/api.md (Addresses) says is no address: quoted local parts, literals, obsolete dots', async () => {
    for (const query of [
      '"alice"@noise.localhost',
      'alice@[192.0.2.1]',
      'a..b@noise.localhost',
      '.a@noise.localhost',
    ]) {
      for (const path of ['/api/v1/lookup/by-email/', '/vks/v1/by-email/']) {
        const res = await call(`${path}${encodeURIComponent(query)}`);
        expect([query, path, res.status]).toEqual([query, path, 400]);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_address');
      }
    }
    // The normal form: one identity whatever the case (a registered address answers in any case).
    const a = await registerAccount();
    const upper = await call(`/api/v1/lookup/by-email/${encodeURIComponent(a.address.toUpperCase())}`);
    expect(upper.status).toBe(200);
  });
});

describe('lookup cache', () => {
  it('serves repeated lookups from the cache and drops every affected entry on a key change', async () => {
    const a = await registerAccount();
    const local = a.address.split('@')[0]!;
    const urls = [
      `/vks/v1/by-email/${a.address}`,
      `/vks/v1/by-fingerprint/${a.fingerprint}`,
      `/vks/v1/by-keyid/${a.fingerprint.slice(-16)}`,
      `/pks/lookup?op=get&options=mr&search=${a.address}`,
      `/pks/lookup?op=index&options=mr&search=${a.address}`,
      `/pks/lookup?op=index&options=mr&search=0x${a.fingerprint}`,
      `/api/v1/lookup/by-email/${a.address}`,
      `/api/v1/lookup/by-fingerprint/${a.fingerprint}`,
      `/.well-known/openpgpkey/hu/${wkdHash(local)}?l=${local}`,
    ];
    const first = await Promise.all(urls.map(async (u) => bodyText(await call(u))));
    // Change D1 behind the directory's back: cached answers must not notice.
    await env.DB.prepare(
      "UPDATE openpgp_keys SET armored_key = 'tampered', revoked = 1 WHERE fingerprint = ?1",
    )
      .bind(a.fingerprint)
      .run();
    const cached = await Promise.all(urls.map(async (u) => bodyText(await call(u))));
    expect(cached).toEqual(first);
    // A real change (revocation) invalidates every one of them.
    const res = await call('/api/v1/directory/revocation', {
      method: 'POST',
      token: a.token,
      json: { revocation: a.revocationCertificate },
    });
    expect(res.status).toBe(200);
    const after = await Promise.all(urls.map(async (u) => bodyText(await call(u))));
    for (let i = 0; i < urls.length; i++) expect(after[i], urls[i]).not.toEqual(first[i]);
    expect(after[4]).toMatch(/^pub:.*:r$/m);
  });

  it('each tier (isolate memory, then caches.default) serves until a change deletes it from both', async () => {
    const a = await registerAccount();
    const path = `/vks/v1/by-email/${a.address}`;
    const original = await bodyText(await call(path));
    const setArmored = (text: string) =>
      env.DB.prepare('UPDATE openpgp_keys SET armored_key = ?2 WHERE fingerprint = ?1')
        .bind(a.fingerprint, text)
        .run();
    await setArmored('tampered-1');
    // memory tier alone
    await caches.default.delete(cacheUrl(env, 'vks-email', a.address));
    expect(await bodyText(await call(path))).toBe(original);
    // neither tier: D1 answers (and fills both tiers)
    forgetMemoryTier();
    expect(await bodyText(await call(path))).toBe('tampered-1');
    // caches.default tier alone
    await setArmored('tampered-2');
    forgetMemoryTier();
    expect(await bodyText(await call(path))).toBe('tampered-1');
    // a key change clears both
    const res = await call('/api/v1/directory/revocation', {
      method: 'POST',
      token: a.token,
      json: { revocation: a.revocationCertificate },
    });
    expect(res.status).toBe(200);
    const after = await bodyText(await call(path));
    expect(after).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(after).not.toBe(original);
  });

  it('a replacement key is served at once under the address', async () => {
    const a = await registerAccount();
    await call(`/vks/v1/by-email/${a.address}`);
    const next = await newOpenpgpKey([{ email: a.address }]);
    expect((await publish(a.token, next.publicKey.armor())).status).toBe(200);
    const served = await bodyText(await call(`/vks/v1/by-email/${a.address}`));
    expect(served).toBe(next.publicKey.armor());
  });
});

describe('lookup rate limit', () => {
  it('limits cache misses per client (LOOKUP_LIMITER); cache hits still answer', async () => {
    const a = await registerAccount();
    expect((await call(`/vks/v1/by-email/${a.address}`)).status).toBe(200); // now cached
    const ip = { 'CF-Connecting-IP': '198.51.100.77' };
    // Bursts of 60 until refused: a 10 s window that resets mid-way only delays the refusal.
    const statuses: number[] = [];
    for (let burst = 0; burst < 8 && !statuses.includes(429); burst++) {
      const got = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          call(`/vks/v1/by-email/absent-${burst}-${i}@noise.localhost`, { headers: ip }).then(
            (r) => r.status,
          ),
        ),
      );
      statuses.push(...got);
    }
    expect(statuses.filter((s) => s === 404).length).toBeGreaterThanOrEqual(100);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 404 || s === 429)).toBe(true);
    expect((await call(`/vks/v1/by-email/${a.address}`, { headers: ip })).status).toBe(200);
    // another client is not affected
    expect(
      (
        await call('/vks/v1/by-email/absent-x@noise.localhost', {
          headers: { 'CF-Connecting-IP': '198.51.100.78' },
        })
      ).status,
    ).toBe(404);
  });
});

describe('unverified user IDs', () => {
  it('never appear in any lookup', async () => {
    const hidden = 'hidden-uid@example.org';
    const a = await registerAccount({ extraUserIds: [{ name: 'Hidden', email: hidden }] });
    const local = a.address.split('@')[0]!;
    const armored = [
      `/vks/v1/by-email/${a.address}`,
      `/vks/v1/by-fingerprint/${a.fingerprint}`,
      `/vks/v1/by-keyid/${a.fingerprint.slice(-16)}`,
      `/pks/lookup?op=get&options=mr&search=0x${a.fingerprint}`,
    ];
    for (const u of armored) expect(await userIdEmails(await bodyText(await call(u)))).toEqual([a.address]);
    const wkd = await call(`/.well-known/openpgpkey/hu/${wkdHash(local)}?l=${local}`);
    expect(await userIdEmails(new Uint8Array(await wkd.arrayBuffer()))).toEqual([a.address]);
    const index = await bodyText(await call(`/pks/lookup?op=index&options=mr&search=0x${a.fingerprint}`));
    expect(index).not.toMatch(/hidden/i);
    const json = KeyLookupResponse.parse(
      await (await call(`/api/v1/lookup/by-fingerprint/${a.fingerprint}`)).json(),
    );
    expect(json.addresses).toEqual([a.address]);
    expect(await userIdEmails(json.openpgpKey)).toEqual([a.address]);
    for (const u of [
      `/vks/v1/by-email/${hidden}`,
      `/pks/lookup?op=index&options=mr&search=${hidden}`,
      `/pks/lookup?op=get&options=mr&search=${hidden}`,
      `/api/v1/lookup/by-email/${hidden}`,
    ])
      expect((await call(u)).status, u).toBe(404);
  });
});

describe('envelope identity in JSON lookups', () => {
  const stockOf = async (token: string) =>
    PrekeyStock.parse(await (await call('/api/v1/prekeys/stock', { token })).json()).oneTimePrekeys;
  const publicIdentity = (id: EnvelopeKeys['identity']) => ({
    signingKey: fromBase64Url(id.signingKey),
    dhKey: fromBase64Url(id.dhKey),
    dhKeySignature: fromBase64Url(id.dhKeySignature),
  });

  it('carries the published identity (verifiable) by address and by fingerprint, and spends no prekey', async () => {
    const envelope = newEnvelope(5);
    const address = freshAddress();
    const key = await newOpenpgpKey([{ email: address }]);
    const registered = await registerWithKey(address, key.publicKey.armor(), envelope.keys);
    const token = registered.session.accessToken;
    expect(await stockOf(token)).toBe(5);
    for (let i = 0; i < 3; i++) {
      // Each round misses the memory tier and the Cache API, so D1 answers every time.
      forgetMemoryTier();
      await caches.default.delete(cacheUrl(env, 'json-email', address));
      await caches.default.delete(cacheUrl(env, 'json-fpr', registered.fingerprint));
      const byEmail = KeyLookupResponse.parse(
        await (await call(`/api/v1/lookup/by-email/${address}`)).json(),
      );
      const byFpr = KeyLookupResponse.parse(
        await (await call(`/api/v1/lookup/by-fingerprint/${registered.fingerprint}`)).json(),
      );
      expect(byEmail.envelopeIdentity).toEqual(envelope.keys.identity);
      expect(byFpr.envelopeIdentity).toEqual(envelope.keys.identity);
      expect(verifyIdentity(publicIdentity(byEmail.envelopeIdentity!))).toBe(true);
    }
    expect(await stockOf(token)).toBe(5);
  });

  it('is null without an envelope identity', async () => {
    const a = await registerAccount({ envelope: false });
    const body = KeyLookupResponse.parse(await (await call(`/api/v1/lookup/by-email/${a.address}`)).json());
    expect(body.envelopeIdentity).toBeNull();
  });

  it('a new identity under the same OpenPGP key replaces cached lookups at once', async () => {
    const a = await registerAccount({ oneTimePrekeys: 2 });
    const paths = [`/api/v1/lookup/by-email/${a.address}`, `/api/v1/lookup/by-fingerprint/${a.fingerprint}`];
    const before = await Promise.all(
      paths.map(async (p) => KeyLookupResponse.parse(await (await call(p)).json())),
    );
    expect(before[0]!.envelopeIdentity).not.toBeNull();
    const next = newEnvelope(1);
    expect((await publish(a.token, a.publicKey.armor(), next.keys)).status).toBe(200);
    for (const p of paths) {
      const after = KeyLookupResponse.parse(await (await call(p)).json());
      expect(after.fingerprint, p).toBe(a.fingerprint);
      expect(after.envelopeIdentity, p).toEqual(next.keys.identity);
    }
  });
});
