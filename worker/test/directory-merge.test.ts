// Publishing merges (worker/src/directory/certificate.ts): an upload of a stored key is merged
// into the stored copy, never written over it. A revocation, a newer expiry, a subkey revocation
// or a user ID revocation stays whatever is uploaded later, and every lookup protocol says so.

import { env } from 'cloudflare:test';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { KeyLookupResponse, PublishKeysResponse } from '../../shared/api/directory.ts';
import { wkdHash } from '../../shared/wkd/hash.ts';
import { invalidateLookups } from '../src/lookup/cache.ts';
import { bodyText, call, publish, registerAccount, type TestAccount } from './directory-support/accounts.ts';

async function expectError(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(code);
}

async function revoke(a: TestAccount, revocation = a.revocationCertificate) {
  return call('/api/v1/directory/revocation', { method: 'POST', token: a.token, json: { revocation } });
}

/** Empties both cache tiers for the account, so lookups read what D1 holds. */
async function forgetCache(a: TestAccount) {
  await invalidateLookups(env, {
    fingerprints: [a.fingerprint],
    keyIds: [a.fingerprint.slice(-16)],
    addresses: [a.address],
  });
}

async function armoredRevoked(res: Response): Promise<boolean> {
  expect(res.status).toBe(200);
  const body = new Uint8Array(await res.arrayBuffer());
  const key = /^-----BEGIN/.test(new TextDecoder().decode(body.subarray(0, 10)))
    ? await openpgp.readKey({ armoredKey: new TextDecoder().decode(body) })
    : await openpgp.readKey({ binaryKey: body });
  return key.isRevoked();
}

/** What every lookup protocol says about the account's key: revoked or not. */
async function revokedEverywhere(a: TestAccount): Promise<Record<string, boolean>> {
  await forgetCache(a);
  const local = a.address.split('@')[0]!;
  const json = async (path: string) => KeyLookupResponse.parse(await (await call(path)).json()).revoked;
  const index = await bodyText(await call(`/pks/lookup?op=index&options=mr&search=${a.address}`));
  return {
    jsonByEmail: await json(`/api/v1/lookup/by-email/${a.address}`),
    jsonByFingerprint: await json(`/api/v1/lookup/by-fingerprint/${a.fingerprint}`),
    vksByEmail: await armoredRevoked(await call(`/vks/v1/by-email/${a.address}`)),
    vksByFingerprint: await armoredRevoked(await call(`/vks/v1/by-fingerprint/${a.fingerprint}`)),
    vksByKeyId: await armoredRevoked(await call(`/vks/v1/by-keyid/${a.fingerprint.slice(-16)}`)),
    hkpGet: await armoredRevoked(await call(`/pks/lookup?op=get&options=mr&search=0x${a.fingerprint}`)),
    hkpIndexFlag: /^pub:[0-9A-F]+:\d+:\d*:\d+:\d*:r$/m.test(index),
    wkd: await armoredRevoked(await call(`/.well-known/openpgpkey/hu/${wkdHash(local)}?l=${local}`)),
  };
}

const ALL_REVOKED = {
  jsonByEmail: true,
  jsonByFingerprint: true,
  vksByEmail: true,
  vksByFingerprint: true,
  vksByKeyId: true,
  hkpGet: true,
  hkpIndexFlag: true,
  wkd: true,
};

async function storedKey(fingerprint: string): Promise<openpgp.PublicKey> {
  const row = await env.DB.prepare('SELECT binary_key FROM openpgp_keys WHERE fingerprint = ?1')
    .bind(fingerprint)
    .first<{ binary_key: ArrayBuffer }>();
  return openpgp.readKey({ binaryKey: new Uint8Array(row!.binary_key) });
}

/** OpenPGP times are whole seconds: wait so that a new signature is newer than the key's. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1100));

/** The same key with fresh self-signatures made at `date` (same fingerprints, new signatures). */
async function resigned(a: TestAccount, date: Date, keyExpirationTime = 0) {
  const { publicKey } = await openpgp.reformatKey({
    privateKey: a.privateKey,
    userIDs: [{ name: 'Test User', email: a.address }],
    keyExpirationTime,
    date,
    format: 'object',
  });
  return publicKey;
}

describe('revocations stick', () => {
  it('a revoked key re-uploaded as it was before the revocation stays revoked in every lookup', async () => {
    const a = await registerAccount();
    expect((await revoke(a)).status).toBe(200);
    expect(await revokedEverywhere(a)).toEqual(ALL_REVOKED);
    // The pre-revocation key (what the account registered with) is refused, and changes nothing.
    await expectError(await publish(a.token, a.publicKey.armor()), 400, 'key_unusable');
    expect(await revokedEverywhere(a)).toEqual(ALL_REVOKED);
    expect(await (await storedKey(a.fingerprint)).isRevoked()).toBe(true);
  });

  it('a later self-signature does not outrank the revocation', async () => {
    const a = await registerAccount();
    expect((await revoke(a)).status).toBe(200);
    await nextSecond();
    const later = await resigned(a, new Date());
    expect(
      later.users[0]!.selfCertifications[0]!.created! >
        (await storedKey(a.fingerprint)).revocationSignatures[0]!.created!,
    ).toBe(true);
    await expectError(await publish(a.token, later.armor()), 400, 'key_unusable');
    expect(await revokedEverywhere(a)).toEqual(ALL_REVOKED);
  });

  it('keeps the revocation when a publish and the revocation race', async () => {
    const a = await registerAccount();
    const newer = await resigned(a, new Date(Date.now() - 1000));
    const results = await Promise.all([
      revoke(a),
      ...Array.from({ length: 4 }, () => publish(a.token, newer.armor())),
    ]);
    expect(results[0]!.status).toBe(200);
    for (const r of results) expect(r.status).toBeLessThan(500);
    expect(await revokedEverywhere(a)).toEqual(ALL_REVOKED);
  });
});

describe('publishing merges', () => {
  it('keeps the newest expiry when the older self-signature is uploaded again', async () => {
    const a = await registerAccount();
    await nextSecond();
    const expiring = await resigned(a, new Date(), 86_400);
    const res = await publish(a.token, expiring.armor());
    expect(res.status).toBe(200);
    const expiresAt = async () =>
      (await env.DB.prepare('SELECT expires_at FROM openpgp_keys WHERE fingerprint = ?1')
        .bind(a.fingerprint)
        .first<{ expires_at: number | null }>())!.expires_at;
    const expected = Math.floor(a.publicKey.getCreationTime().getTime() / 1000) + 86_400;
    expect(await expiresAt()).toBe(expected);
    // The registration copy (no expiry) is uploaded again: the expiry stays.
    expect((await publish(a.token, a.publicKey.armor())).status).toBe(200);
    expect(await expiresAt()).toBe(expected);
    const served = await openpgp.readKey({
      armoredKey: await bodyText(await call(`/vks/v1/by-fingerprint/${a.fingerprint}`)),
    });
    expect(await served.getExpirationTime()).toEqual(new Date(expected * 1000));
  });

  it('keeps a subkey revocation and an added subkey when the older key is uploaded again', async () => {
    const a = await registerAccount();
    const oldSubkey = a.privateKey.subkeys[0]!;
    const revokedSubkey = await oldSubkey.revoke(a.privateKey.keyPacket as openpgp.SecretKeyPacket);
    const withNew = await a.privateKey.addSubkey({ type: 'ecc', curve: 'curve25519Legacy' });
    withNew.subkeys[0] = revokedSubkey;
    const updated = withNew.toPublic();
    const first = await publish(a.token, updated.armor());
    expect(first.status).toBe(200);
    expect(PublishKeysResponse.parse(await first.json()).strippedSubkeys).toEqual([]);
    // The original key: subkey not revoked, no second subkey.
    expect((await publish(a.token, a.publicKey.armor())).status).toBe(200);
    const stored = await storedKey(a.fingerprint);
    expect(stored.subkeys.map((s) => s.getFingerprint())).toEqual(
      updated.subkeys.map((s) => s.getFingerprint()),
    );
    const revokedInStore = stored.subkeys.find((s) => s.getFingerprint() === oldSubkey.getFingerprint())!;
    expect(revokedInStore.revocationSignatures.length).toBe(1);
    const encryptTo = await stored.getEncryptionKey();
    expect(encryptTo.getFingerprint()).toBe(updated.subkeys[1]!.getFingerprint());
  });

  it('keeps a user ID revocation: the address is released and stays released', async () => {
    const a = await registerAccount();
    const user = a.privateKey.users[0]!;
    const revokedUser = await user.revoke(a.privateKey.keyPacket as openpgp.SecretKeyPacket);
    const withRevocation = a.privateKey.toPublic();
    withRevocation.users[0] = revokedUser;
    // The only user ID is revoked: no address left to publish it for.
    await expectError(await publish(a.token, withRevocation.armor()), 400, 'no_matching_user_id');
    // Published through the revocation route as part of the key instead, it is merged and kept.
    const { publicKey: revokedKey } = await openpgp.revokeKey({ key: a.privateKey, format: 'object' });
    revokedKey.users[0] = revokedUser;
    expect((await revoke(a, revokedKey.armor())).status).toBe(200);
    const stored = await storedKey(a.fingerprint);
    expect(stored.users[0]!.revocationSignatures.length).toBe(1);
  });

  it('logs a merge that changed the stored key as "update", and nothing for an identical upload', async () => {
    const a = await registerAccount();
    const logCount = async () =>
      (await env.DB.prepare(
        `SELECT count(*) AS n FROM directory_log WHERE account_id = ?1 AND action = 'update'`,
      )
        .bind(a.accountId)
        .first<{ n: number }>())!.n;
    expect((await publish(a.token, a.publicKey.armor())).status).toBe(200);
    expect(await logCount()).toBe(0);
    expect((await publish(a.token, (await resigned(a, new Date(Date.now() - 1000))).armor())).status).toBe(
      200,
    );
    expect(await logCount()).toBe(1);
  });
});

describe('replaced keys', () => {
  it('a lookup by the old fingerprint returns the old key, bound to no address', async () => {
    const a = await registerAccount();
    const next = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: a.address }],
      format: 'object',
    });
    expect((await publish(a.token, next.publicKey.armor())).status).toBe(200);
    const old = KeyLookupResponse.parse(
      await (await call(`/api/v1/lookup/by-fingerprint/${a.fingerprint}`)).json(),
    );
    expect(old.fingerprint).toBe(a.fingerprint);
    expect(old.addresses).toEqual([]);
    expect(old.revoked).toBe(false);
    const index = await bodyText(await call(`/pks/lookup?op=index&options=mr&search=0x${a.fingerprint}`));
    expect(index).not.toMatch(/^uid:/m);
    // Its owner can still revoke it.
    expect((await revoke(a)).status).toBe(200);
    await forgetCache(a);
    const revoked = KeyLookupResponse.parse(
      await (await call(`/api/v1/lookup/by-fingerprint/${a.fingerprint}`)).json(),
    );
    expect(revoked.revoked).toBe(true);
  });
});
