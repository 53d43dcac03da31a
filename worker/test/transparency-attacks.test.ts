// The test switch (docs/spec/transparency-v1.md §7.3): a dishonest directory that only tests can
// arm. It fails closed (nothing without the var, nothing and no account routes in production, not
// in wrangler.toml), and each attack is what the client's checks must catch: a fork verifies on
// its own but not against the real history, an unlogged key fails its bundle, a foreign key is a
// real leaf for the address.

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { KeyLookupResponse } from '../../shared/api/directory.ts';
import { fromBase64Url } from '../../shared/encoding.ts';
import {
  checkpointExtends,
  commitFingerprint,
  decodeLeaf,
  FINGERPRINT_KIND,
  openCheckpoint,
  openpgpFingerprintBytes,
  verifyAddressProof,
  verifyProofBundle,
} from '../../shared/transparency/index.ts';
import wranglerToml from '../../wrangler.toml?raw';
import { app } from '../src/app.ts';
import { testSwitchOn } from '../src/transparency/test-switch.ts';
import { newOpenpgpKey, registerAccount } from './directory-support/accounts.ts';
import { PRODUCTION_SETTINGS } from './support/production.ts';
import { checkpointCoveringAll, log, storedLeaves, trustedLog } from './transparency-support/log.ts';

const ATTACKS = { ...env, TRANSPARENCY_TEST_SWITCH: 'attacks' };

function request(e: typeof env, method: string, path: string, json?: unknown): Promise<Response> {
  const init: RequestInit = { method };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers = { 'Content-Type': 'application/json' };
  }
  return Promise.resolve(app.request(`https://noise.test${path}`, init, e));
}

async function lookupAs(e: typeof env, address: string): Promise<KeyLookupResponse> {
  const res = await request(e, 'GET', `/api/v1/lookup/by-email/${address}`);
  expect(res.status).toBe(200);
  return KeyLookupResponse.parse(await res.json());
}

const served = (address: string, fingerprint: string) => ({
  address,
  openpgp: openpgpFingerprintBytes(fingerprint),
});

describe('the switch fails closed', () => {
  it('does nothing without the var, nothing in production (where it refuses account routes), and is not in wrangler.toml', async () => {
    const { publicKey } = await newOpenpgpKey([{ email: 'x@noise.test' }]);
    const arm = { address: 'x@noise.test', armoredKey: publicKey.armor() };
    expect((await request(env, 'POST', '/api/v1/test/transparency/fork', arm)).status).toBe(404);
    const production = { ...env, ...PRODUCTION_SETTINGS, TRANSPARENCY_TEST_SWITCH: 'attacks' };
    expect((await request(production, 'POST', '/api/v1/test/transparency/fork', arm)).status).toBe(404);
    const account = await request(production, 'GET', '/api/v1/account');
    expect(account.status).toBe(403);
    const body = (await account.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('server_not_configured');
    expect(body.error.message).toContain('TRANSPARENCY_TEST_SWITCH');
    expect(wranglerToml).not.toContain('TRANSPARENCY_TEST_SWITCH');
  });

  it('no-lookup-proofs drops the bundle only where the switch says so', async () => {
    const a = await registerAccount();
    const off = { ...env, TRANSPARENCY_TEST_SWITCH: 'no-lookup-proofs' };
    expect((await lookupAs(off, a.address)).transparency).toBeUndefined();
    // Production ignores every flag (and its presence refuses the account routes, above).
    for (const flag of ['attacks', 'no-lookup-proofs'] as const) {
      expect(testSwitchOn({ ENVIRONMENT: 'development', TRANSPARENCY_TEST_SWITCH: flag }, flag)).toBe(true);
      expect(testSwitchOn({ ENVIRONMENT: 'production', TRANSPARENCY_TEST_SWITCH: flag }, flag)).toBe(false);
      expect(testSwitchOn({ TRANSPARENCY_TEST_SWITCH: flag }, flag)).toBe(false);
    }
  });
});

describe('attacks the client must catch', () => {
  it('an unlogged key: served with the real bundle, which names another key', async () => {
    const a = await registerAccount();
    const { publicKey } = await newOpenpgpKey([{ email: a.address }]);
    const armed = await request(ATTACKS, 'POST', '/api/v1/test/transparency/unlogged-key', {
      address: a.address,
      armoredKey: publicKey.armor(),
    });
    expect(armed.status).toBe(200);
    const answer = await lookupAs(ATTACKS, a.address);
    expect(answer.fingerprint).toBe(publicKey.getFingerprint().toUpperCase());
    const trusted = await trustedLog();
    expect(() =>
      verifyProofBundle(answer.transparency, served(a.address, answer.fingerprint), trusted),
    ).toThrow(/names another key/);
    expect((await request(ATTACKS, 'DELETE', '/api/v1/test/transparency')).status).toBe(200);
    expect((await lookupAs(ATTACKS, a.address)).fingerprint).toBe(a.fingerprint);
  });

  it('a fork: valid on its own and from the checkpoint the victim held, inconsistent with the real log', async () => {
    const victim = await registerAccount();
    const trusted = await trustedLog();
    const held = await checkpointCoveringAll(trusted.logKey);
    const { publicKey } = await newOpenpgpKey([{ email: victim.address }]);
    const armed = await request(ATTACKS, 'POST', '/api/v1/test/transparency/fork', {
      address: victim.address,
      armoredKey: publicKey.armor(),
    });
    expect(armed.status).toBe(200);
    const forked = await lookupAs(ATTACKS, victim.address);
    const fork = openCheckpoint(forked.transparency!.checkpoint, trusted.logKey);
    expect(fork.size).toBe(held.size + 1);
    // The log routes show the fork too: its checkpoint, and a consistency proof into it.
    const served2 = await request(ATTACKS, 'GET', '/api/v1/log/checkpoint');
    expect(await served2.text()).toBe(forked.transparency!.checkpoint);
    const proofRes = await request(
      ATTACKS,
      'GET',
      `/api/v1/log/proof/consistency?from=${held.size}&to=${fork.size}`,
    );
    const proof = ((await proofRes.json()) as { proof: string[] }).proof.map(fromBase64Url);
    expect(checkpointExtends(held, fork, proof)).toBe(true);
    const verified = verifyProofBundle(
      forked.transparency,
      served(victim.address, forked.fingerprint),
      trusted,
    );
    expect(verified.key.leaf.event).toBe('key_published');
    // Disarmed and the real log grown: the real history does not extend the fork.
    await request(ATTACKS, 'DELETE', '/api/v1/test/transparency');
    await registerAccount();
    const real = await checkpointCoveringAll(trusted.logKey);
    expect(real.size).toBeGreaterThan(fork.size);
    const realProof = await log.consistencyProof(fork.size, real.size);
    expect(checkpointExtends(fork, real, realProof)).toBe(false);
    expect(checkpointExtends(held, real, await log.consistencyProof(held.size, real.size))).toBe(true);
  });

  it('a foreign key: a real leaf binds a key the owner never published to the address', async () => {
    const owner = await registerAccount();
    const { publicKey } = await newOpenpgpKey([{ email: 'mallory@noise.test' }]);
    const before = (await storedLeaves(0)).length;
    const res = await request(ATTACKS, 'POST', '/api/v1/test/transparency/foreign-key', {
      address: owner.address,
      fingerprint: publicKey.getFingerprint().toUpperCase(),
    });
    expect(res.status).toBe(200);
    const leaves = (await storedLeaves(before)).map(decodeLeaf);
    expect(leaves).toHaveLength(1);
    const { vrfKey } = await trustedLog();
    const label = verifyAddressProof(vrfKey, owner.address, await log.label(owner.address))!;
    expect(leaves[0]!.label).toEqual(label.label);
    expect(leaves[0]!.fingerprint).toEqual(
      commitFingerprint(
        label.commitmentKey,
        FINGERPRINT_KIND.openpgp,
        openpgpFingerprintBytes(publicKey.getFingerprint()),
      ),
    );
    // Malformed arming requests are 400 JSON errors, not 500s.
    for (const body of [null, {}, { address: 'x' }, { address: owner.address, fingerprint: 'zz' }])
      expect((await request(ATTACKS, 'POST', '/api/v1/test/transparency/foreign-key', body)).status).toBe(
        400,
      );
  });
});
