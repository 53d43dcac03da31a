// Proofs with every answer (docs/spec/transparency-v1.md §8): a lookup by address and a prekey
// bundle carry a bundle that verifies, with the shared client verifier, for exactly what they
// serve; right after a change the answer (and its cached copy) names the new key in a checkpoint
// that includes the change; an answer the log does not name goes out without a bundle and is not
// cached.

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { KeyLookupResponse, PrekeyBundle } from '../../shared/api/directory.ts';
import { fromBase64Url } from '../../shared/encoding.ts';
import { identityFingerprint } from '../../shared/envelope/identity.ts';
import {
  CHECKPOINT_INTERVAL_MS,
  openpgpFingerprintBytes,
  verifyProofBundle,
} from '../../shared/transparency/index.ts';
import { cacheUrl, forgetMemoryTier } from '../src/lookup/cache.ts';
import { call, newOpenpgpKey, publish, registerAccount } from './directory-support/accounts.ts';
import { checkpointCoveringAll, trustedLog } from './transparency-support/log.ts';

async function lookup(address: string): Promise<KeyLookupResponse> {
  const res = await call(`/api/v1/lookup/by-email/${address}`);
  expect(res.status).toBe(200);
  return KeyLookupResponse.parse(await res.json());
}

/** What a client checks: the bundle against the keys the same answer serves (§9.1). */
async function verifiedFor(address: string, answer: KeyLookupResponse | PrekeyBundle) {
  const identity = 'envelopeIdentity' in answer ? answer.envelopeIdentity : answer.identity;
  const served = {
    address,
    openpgp: openpgpFingerprintBytes(answer.fingerprint),
    ...(identity
      ? {
          envelope: identityFingerprint({
            signingKey: fromBase64Url(identity.signingKey),
            dhKey: fromBase64Url(identity.dhKey),
          }),
        }
      : {}),
  };
  return verifyProofBundle(answer.transparency, served, await trustedLog());
}

describe('lookups carry their proof', () => {
  it('by address: the bundle verifies for the key and identity served; by fingerprint: none', async () => {
    const a = await registerAccount({ envelope: true });
    const answer = await lookup(a.address);
    const verified = await verifiedFor(a.address, answer);
    expect(verified.key.leaf.event).toBe('key_published');
    expect(verified.envelope?.leaf.event).toBe('envelope_identity_published');
    const byFpr = KeyLookupResponse.parse(
      await (await call(`/api/v1/lookup/by-fingerprint/${a.fingerprint}`)).json(),
    );
    expect(byFpr.transparency).toBeUndefined();
  });

  it('right after a key change the answer and its cached copies name the new key, in a checkpoint with the change', async () => {
    const a = await registerAccount();
    const { logKey } = await trustedLog();
    await lookup(a.address); // cached with the first key
    await checkpointCoveringAll(logKey);
    // A checkpoint was just signed: the next one is not allowed for CHECKPOINT_INTERVAL_MS.
    const { publicKey } = await newOpenpgpKey([{ email: a.address }]);
    const changedAt = Date.now();
    expect((await publish(a.token, publicKey.armor())).status).toBe(200);
    const fresh = await lookup(a.address);
    expect(fresh.fingerprint).toBe(publicKey.getFingerprint().toUpperCase());
    const verified = await verifiedFor(a.address, fresh);
    expect(verified.key.leaf.time).toBeGreaterThanOrEqual(changedAt);
    // The lookup waited for a checkpoint covering the change rather than serve the old leaf.
    expect(Date.now() - changedAt).toBeLessThan(CHECKPOINT_INTERVAL_MS * 3);
    // Served again from the isolate's memory, then from the Cache API: the same proven answer.
    expect(await lookup(a.address)).toEqual(fresh);
    forgetMemoryTier();
    const cached = await lookup(a.address);
    expect(cached).toEqual(fresh);
    expect((await verifiedFor(a.address, cached)).checkpoint.size).toBe(verified.checkpoint.size);
  });

  it('an answer the log does not name goes out without a bundle and is not cached', async () => {
    const a = await registerAccount();
    const b = await registerAccount();
    await lookup(a.address);
    // The directory's tables bind a's address to b's key, behind the log's back.
    await env.DB.prepare('UPDATE address_bindings SET fingerprint = ?1 WHERE address = ?2')
      .bind(b.fingerprint, a.address)
      .run();
    forgetMemoryTier();
    await caches.default.delete(cacheUrl(env, 'json-email', a.address));
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const unproven = await lookup(a.address);
      expect(unproven.fingerprint).toBe(b.fingerprint);
      expect(unproven.transparency).toBeUndefined();
      expect(errors.length).toBeGreaterThan(0);
      // Put back: the next lookup is not a cached copy of the unproven answer.
      await env.DB.prepare('UPDATE address_bindings SET fingerprint = ?1 WHERE address = ?2')
        .bind(a.fingerprint, a.address)
        .run();
      const again = await lookup(a.address);
      expect(again.fingerprint).toBe(a.fingerprint);
      expect((await verifiedFor(a.address, again)).key.leaf.event).toBe('key_published');
    } finally {
      console.error = original;
    }
  });
});

describe('prekey bundles carry their proof', () => {
  it('names the OpenPGP key, proves key and identity, and answers logSize with a consistency proof', async () => {
    const a = await registerAccount({ envelope: true, oneTimePrekeys: 2 });
    const trusted = await trustedLog();
    const earlier = await checkpointCoveringAll(trusted.logKey);
    await registerAccount();
    const now = await checkpointCoveringAll(trusted.logKey);
    const res = await call(`/api/v1/prekeys/bundle/${a.address}?logSize=${earlier.size}`, { method: 'POST' });
    expect(res.status).toBe(200);
    const bundle = PrekeyBundle.parse(await res.json());
    expect(bundle.fingerprint).toBe(a.fingerprint);
    expect(bundle.transparency?.consistency?.from).toBe(earlier.size);
    const served = {
      address: a.address,
      openpgp: openpgpFingerprintBytes(bundle.fingerprint),
      envelope: identityFingerprint({
        signingKey: fromBase64Url(bundle.identity.signingKey),
        dhKey: fromBase64Url(bundle.identity.dhKey),
      }),
    };
    const verified = verifyProofBundle(bundle.transparency, served, {
      ...trusted,
      known: { size: earlier.size, root: earlier.root },
    });
    expect(verified.checkpoint.size).toBe(now.size);
    expect(verified.envelope?.leaf.event).toBe('envelope_identity_published');
    for (const bad of ['x', '01', '-1', '1.5', '99999999999999999'])
      expect(
        (await call(`/api/v1/prekeys/bundle/${a.address}?logSize=${bad}`, { method: 'POST' })).status,
      ).toBe(400);
  });
});
