// Key transparency in the Worker (docs/spec/transparency-v1.md §4.4, §5, §7): every directory
// change yields exactly its leaves in the change's own batch, the checkpoint verifies with the
// published key, proofs from the stored tree verify, and production without keys fails closed.

import { env } from 'cloudflare:test';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64, toHex } from '../../shared/encoding.ts';
import { identityFingerprint } from '../../shared/envelope/identity.ts';
import {
  commitFingerprint,
  decodeLeaf,
  fingerprintKindOf,
  formatSignerKey,
  type LeafEvent,
  leafHash,
  openpgpFingerprintBytes,
  rootOf,
  verifyAddressProof,
  verifyConsistency,
  verifyInclusion,
  verifyProofBundle,
} from '../../shared/transparency/index.ts';
import { app } from '../src/app.ts';
import { addressReleasedStatements } from '../src/transparency/append.ts';
import { proofBundleFor } from '../src/transparency/proof-bundle.ts';
import {
  call,
  freshAddress,
  newEnvelope,
  newOpenpgpKey,
  publish,
  registerAccount,
  signedPrekey,
} from './directory-support/accounts.ts';
import { registerBody } from './support/accounts.ts';
import {
  checkpointCoveringAll,
  log,
  storedLeafCount,
  storedLeaves,
  trustedLog,
} from './transparency-support/log.ts';

interface Expected {
  event: LeafEvent;
  address: string;
  fingerprint: Uint8Array | null;
  previous: Uint8Array | null;
}

/** Checks the leaves stored since `from` against `expected`, as a client would: labels from the VRF proofs. */
async function expectLeaves(from: number, expected: Expected[]) {
  const { vrfKey } = await trustedLog();
  const leaves = (await storedLeaves(from)).map(decodeLeaf);
  expect(leaves.map((l) => l.event)).toEqual(expected.map((e) => e.event));
  for (const [i, want] of expected.entries()) {
    const label = verifyAddressProof(vrfKey, want.address, await log.label(want.address));
    expect(label).toBeDefined();
    const leaf = leaves[i]!;
    expect(toHex(leaf.label)).toBe(toHex(label!.label));
    const commit = (fp: Uint8Array | null) =>
      fp ? toHex(commitFingerprint(label!.commitmentKey, fingerprintKindOf(want.event), fp)) : null;
    expect(leaf.fingerprint && toHex(leaf.fingerprint)).toBe(commit(want.fingerprint));
    expect(leaf.previous && toHex(leaf.previous)).toBe(commit(want.previous));
  }
}

const openpgpFp = (hex: string) => openpgpFingerprintBytes(hex);
const envelopeFp = (keys: ReturnType<typeof newEnvelope>['keys']) =>
  identityFingerprint({
    signingKey: fromBase64Url(keys.identity.signingKey),
    dhKey: fromBase64Url(keys.identity.dhKey),
  });
const byAddress = (list: Expected[]) =>
  [...list].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));

describe('every directory change yields exactly its leaves', () => {
  it('publish, re-publish, bind, replace, release, identity change, revoke; prekey rotation logs nothing', async () => {
    const a = freshAddress('kt');
    const key1 = await newOpenpgpKey([{ email: a }]);
    const env1 = newEnvelope(2);
    // 1. Registration publishes the key and the envelope identity.
    let mark = await storedLeafCount();
    const reg = await call('/api/v1/accounts', {
      method: 'POST',
      json: await registerBody(a, { keys: { openpgpKey: key1.publicKey.armor(), envelope: env1.keys } }),
    });
    expect(reg.status).toBe(201);
    const { session, fingerprint: f1 } = (await reg.json()) as {
      session: { accessToken: string };
      fingerprint: string;
    };
    const token = session.accessToken;
    const i1 = envelopeFp(env1.keys);
    await expectLeaves(mark, [
      { event: 'key_published', address: a, fingerprint: openpgpFp(f1), previous: null },
      { event: 'envelope_identity_published', address: a, fingerprint: i1, previous: null },
    ]);

    // 2. The same key again changes nothing served: no leaf.
    mark = await storedLeafCount();
    expect((await publish(token, key1.publicKey.armor())).status).toBe(200);
    expect(await storedLeafCount()).toBe(mark);

    // 3. A second address, then the same key with both user IDs: bound + identity, and an update.
    const a2 = freshAddress('kt2');
    expect(
      (await call('/api/v1/account/addresses', { method: 'POST', json: { address: a2 }, token })).status,
    ).toBe(201);
    const both = await openpgp.reformatKey({
      privateKey: key1.privateKey,
      userIDs: [{ email: a }, { email: a2 }],
      format: 'object',
    });
    expect(both.publicKey.getFingerprint().toUpperCase()).toBe(f1);
    mark = await storedLeafCount();
    expect((await publish(token, both.publicKey.armor())).status).toBe(200);
    await expectLeaves(
      mark,
      byAddress([
        { event: 'key_updated', address: a, fingerprint: openpgpFp(f1), previous: null },
        { event: 'address_bound', address: a2, fingerprint: openpgpFp(f1), previous: null },
      ]).flatMap((e) =>
        e.address === a2
          ? [
              e,
              { event: 'envelope_identity_published' as const, address: a2, fingerprint: i1, previous: null },
            ]
          : [e],
      ),
    );

    // 4. A new key for the first address only, with a new identity: replaced, released.
    const key2 = await newOpenpgpKey([{ email: a }]);
    const f2 = key2.publicKey.getFingerprint().toUpperCase();
    const env2 = newEnvelope(1);
    const i2 = envelopeFp(env2.keys);
    mark = await storedLeafCount();
    expect((await publish(token, key2.publicKey.armor(), env2.keys)).status).toBe(200);
    const forA: Expected[] = [
      { event: 'key_published', address: a, fingerprint: openpgpFp(f2), previous: openpgpFp(f1) },
      { event: 'envelope_identity_published', address: a, fingerprint: i2, previous: i1 },
    ];
    const forA2: Expected[] = [
      { event: 'address_released', address: a2, fingerprint: null, previous: openpgpFp(f1) },
    ];
    await expectLeaves(mark, a < a2 ? [...forA, ...forA2] : [...forA2, ...forA]);

    // 5. A signed prekey rotation is signed by the logged identity: no leaf.
    mark = await storedLeafCount();
    const spk = await call('/api/v1/prekeys/signed', {
      method: 'PUT',
      token,
      json: signedPrekey(env2.signingSecret, 7),
    });
    expect(spk.status).toBe(200);
    expect(await storedLeafCount()).toBe(mark);

    // 6. Revoking the key: key_revoked for its address.
    const rev = await call('/api/v1/directory/revocation', {
      method: 'POST',
      token,
      json: { revocation: key2.revocationCertificate },
    });
    expect(rev.status).toBe(200);
    await expectLeaves(mark, [
      { event: 'key_revoked', address: a, fingerprint: openpgpFp(f2), previous: null },
    ]);
  });
});

describe('changes outside publishing', () => {
  it('addressReleasedStatements: an address deleted in a batch gets its address_released leaf in it', async () => {
    const a = await registerAccount({ envelope: false });
    const mark = await storedLeafCount();
    await env.DB.batch([
      env.DB.prepare('DELETE FROM address_bindings WHERE address = ?1').bind(a.address),
      ...addressReleasedStatements(env, a.address, a.fingerprint, Date.now()),
    ]);
    await expectLeaves(mark, [
      {
        event: 'address_released',
        address: a.address,
        fingerprint: null,
        previous: openpgpFp(a.fingerprint),
      },
    ]);
  });
});

describe('checkpoints and proofs', () => {
  it('the checkpoint verifies with the published key and every leaf has a verifying inclusion proof', async () => {
    await registerAccount();
    const { logKey } = await trustedLog();
    const first = await checkpointCoveringAll(logKey);
    expect(first.origin).toBe('noise.localhost/log');
    await registerAccount();
    await registerAccount();
    const cp = await checkpointCoveringAll(logKey);
    expect(cp.size).toBeGreaterThan(first.size);
    const leaves = await log.leaves(0, cp.size);
    for (const [index, leaf] of leaves.entries()) {
      const proof = await log.inclusionProof(index, cp.size);
      expect(verifyInclusion(leafHash(leaf), index, cp.size, proof, cp.root)).toBe(true);
    }
    const consistency = await log.consistencyProof(first.size, cp.size);
    expect(verifyConsistency(first.size, cp.size, consistency, first.root, cp.root)).toBe(true);
    // An earlier size than the latest checkpoint works too (any integrated size).
    const mid = Math.max(1, first.size - 1);
    const midProof = await log.inclusionProof(0, mid);
    const midRoot = rootOf(leaves.slice(0, mid).map(leafHash));
    expect(verifyInclusion(leafHash(leaves[0]!), 0, mid, midProof, midRoot)).toBe(true);
  });

  it("an address's proof bundle (§8) verifies for what a lookup serves; a change not yet signed is pending", async () => {
    const a = await registerAccount({ envelope: true });
    const trusted = await trustedLog();
    const earlier = await checkpointCoveringAll(trusted.logKey);
    await registerAccount();
    const cp = await checkpointCoveringAll(trusted.logKey);
    const built = await proofBundleFor(env, a.address, earlier.size);
    expect(built?.pending).toBe(false);
    const lookup = (await (await call(`/api/v1/lookup/by-email/${a.address}`)).json()) as {
      fingerprint: string;
      envelopeIdentity: { signingKey: string; dhKey: string };
    };
    const served = {
      address: a.address,
      openpgp: openpgpFp(lookup.fingerprint),
      envelope: identityFingerprint({
        signingKey: fromBase64Url(lookup.envelopeIdentity.signingKey),
        dhKey: fromBase64Url(lookup.envelopeIdentity.dhKey),
      }),
    };
    const known = { size: earlier.size, root: earlier.root };
    const verified = verifyProofBundle(JSON.parse(JSON.stringify(built!.bundle)), served, {
      ...trusted,
      known,
    });
    expect(verified.checkpoint.size).toBe(cp.size);
    expect(verified.key.leaf.event).toBe('key_published');
    // A new key published now is not in the latest checkpoint yet: the bundle says so.
    const { publicKey } = await newOpenpgpKey([{ email: a.address }]);
    expect((await publish(a.token, publicKey.armor())).status).toBe(200);
    expect((await proofBundleFor(env, a.address))?.pending).toBe(true);
    expect(await proofBundleFor(env, freshAddress('nobody'))).toBeNull();
  });

  it('leaves, proofs and sizes beyond the latest checkpoint are refused, not guessed', async () => {
    const { logKey } = await trustedLog();
    const cp = await checkpointCoveringAll(logKey);
    for (const path of [
      `/api/v1/log/leaves?start=0&end=${cp.size + 1}`,
      `/api/v1/log/proof/inclusion?index=0&size=${cp.size + 1}`,
      `/api/v1/log/proof/consistency?from=1&to=${cp.size + 1}`,
    ]) {
      const res = await call(path);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('out_of_range');
    }
  });

  it('the log tables are append-only', async () => {
    await registerAccount();
    await expect(env.DB.prepare('UPDATE transparency_leaves SET leaf = leaf').run()).rejects.toThrow(
      /append-only/,
    );
    await expect(env.DB.prepare('DELETE FROM transparency_leaves').run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('DELETE FROM transparency_nodes').run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare('DELETE FROM transparency_checkpoints').run()).rejects.toThrow(/append-only/);
  });
});

describe('malformed requests', () => {
  const value = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer({ min: -5, max: 5000 }).map(String),
    fc.constantFrom(
      '',
      '01',
      '-1',
      '1e3',
      '0x10',
      '9007199254740993',
      '99999999999999999999',
      '1.5',
      ' 1',
      'NaN',
    ),
  );
  const query = fc.dictionary(
    fc.constantFrom('start', 'end', 'index', 'size', 'from', 'to', 'address', 'x'),
    value,
    {
      maxKeys: 4,
    },
  );

  it('random query strings on every log route: 200 or a 4xx JSON error, never a 5xx', async () => {
    await registerAccount();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'leaves',
          'proof/inclusion',
          'proof/consistency',
          'label',
          'checkpoint',
          'key',
          'nope',
        ),
        query,
        async (route, params) => {
          const res = await call(`/api/v1/log/${route}?${new URLSearchParams(params)}`);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            const body = (await res.json()) as { error: { code: string; message: string } };
            expect(typeof body.error.code).toBe('string');
          } else await res.arrayBuffer();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('names the problem: invalid_request, invalid_range', async () => {
    const code = async (path: string) =>
      ((await (await call(path)).json()) as { error: { code: string } }).error.code;
    expect(await code('/api/v1/log/leaves?start=01&end=2')).toBe('invalid_request');
    expect(await code('/api/v1/log/leaves?start=0&end=2&extra=1')).toBe('invalid_request');
    expect(await code('/api/v1/log/leaves?start=2&end=2')).toBe('invalid_range');
    expect(await code('/api/v1/log/leaves?start=0&end=1001')).toBe('invalid_range');
    expect(await code('/api/v1/log/proof/inclusion?index=3&size=3')).toBe('invalid_range');
    expect(await code('/api/v1/log/proof/consistency?from=4&to=3')).toBe('invalid_range');
    expect(await code('/api/v1/log/label?address=not-an-address')).toBe('invalid_request');
  });
});

describe('production fails closed', () => {
  const production = { ...env, ENVIRONMENT: 'production' };

  it('without keys the log answers 503 log_unavailable and a registration is refused, changing nothing', async () => {
    for (const path of [
      '/api/v1/log/checkpoint',
      '/api/v1/log/key',
      '/api/v1/log/vrf-key',
      '/api/v1/log/label?address=a@b.c',
    ]) {
      const res = await app.request(path, {}, production);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('log_unavailable');
    }
    const address = freshAddress('prod');
    const { publicKey } = await newOpenpgpKey([{ email: address }]);
    const before = await storedLeafCount();
    const res = await app.request(
      '/api/v1/accounts',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(await registerBody(address, { keys: { openpgpKey: publicKey.armor() } })),
      },
      // Configured but for the log keys: account routes refuse to run (worker/src/http/config.ts).
      {
        ...production,
        SERVER_SECRET: 'x'.repeat(43),
        SERVICE_URL: 'https://api.noise.test',
        EXTENSION_ORIGINS: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
      },
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('LOG_SIGNING_KEY');
    expect(await storedLeafCount()).toBe(before);
    expect((await call(`/api/v1/lookup/by-email/${address}`)).status).toBe(404);
  });

  it('with both secrets the log serves the configured keys', async () => {
    const seed = new Uint8Array(32).fill(3);
    const configured = {
      ...production,
      LOG_SIGNING_KEY: formatSignerKey('keys.example/log', seed),
      LOG_VRF_KEY: toBase64(new Uint8Array(32).fill(4)),
    };
    const key = await (await app.request('/api/v1/log/key', {}, configured)).text();
    expect(key.startsWith('keys.example/log+')).toBe(true);
    const res = await app.request('/api/v1/log/vrf-key', {}, configured);
    expect(res.status).toBe(200);
    // A VRF secret of the wrong length is refused, not used.
    const broken = { ...configured, LOG_VRF_KEY: toBase64(new Uint8Array(31)) };
    expect((await app.request('/api/v1/log/key', {}, broken)).status).toBe(503);
  });
});
