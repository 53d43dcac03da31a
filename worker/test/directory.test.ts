// Publishing rules: what is refused, what is stripped, replacement, revocation,
// the append-only log.

import { env } from 'cloudflare:test';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { PublishKeysResponse, RevocationResponse } from '../../shared/api/directory.ts';
import {
  bodyText,
  call,
  newEnvelope,
  newOpenpgpKey,
  publish,
  registerAccount,
  registerWithKey,
  userIdEmails,
} from './directory-support/accounts.ts';
import {
  GPG_PHOTO_KEY,
  GPG_PHOTO_KEY_ADDRESS,
  GPG_PHOTO_KEY_FINGERPRINT,
} from './directory-support/gpg-photo-key.ts';

async function logOf(accountId: string) {
  const { results } = await env.DB.prepare(
    'SELECT action, address, old_fingerprint, new_fingerprint FROM directory_log WHERE account_id = ?1 ORDER BY seq',
  )
    .bind(accountId)
    .all<{
      action: string;
      address: string | null;
      old_fingerprint: string | null;
      new_fingerprint: string | null;
    }>();
  return results;
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
}

describe('publishing', () => {
  it('publishes the key given at registration under the verified address, and logs it', async () => {
    const a = await registerAccount();
    expect(a.fingerprint).toBe(a.publicKey.getFingerprint().toUpperCase());
    const res = await call(`/vks/v1/by-email/${a.address}`);
    expect(res.status).toBe(200);
    expect(await userIdEmails(await bodyText(res))).toEqual([a.address]);
    expect(await logOf(a.accountId)).toEqual([
      { action: 'publish', address: null, old_fingerprint: null, new_fingerprint: a.fingerprint },
      { action: 'bind', address: a.address, old_fingerprint: null, new_fingerprint: a.fingerprint },
      {
        action: 'envelope_identity',
        address: null,
        old_fingerprint: null,
        new_fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
  });

  it('refuses secret key material in every form', async () => {
    const a = await registerAccount();
    const { privateKey } = await newOpenpgpKey([{ email: a.address }]);
    // armored private key block
    await expectError(await publish(a.token, privateKey.armor()), 400, 'secret_key_material');
    // secret packets disguised under a PUBLIC KEY BLOCK header
    const disguised = openpgp.armor(openpgp.enums.armor.publicKey, privateKey.write());
    await expectError(await publish(a.token, disguised), 400, 'secret_key_material');
    // a public primary key followed by a secret subkey packet
    const publicPart = privateKey.toPublic().write();
    const secretSubkey = privateKey.subkeys[0]!.keyPacket.write();
    const header = new Uint8Array([0xc0 | 7, secretSubkey.length]);
    const mixed = new Uint8Array([...publicPart, ...header, ...secretSubkey]);
    await expectError(
      await publish(a.token, openpgp.armor(openpgp.enums.armor.publicKey, mixed)),
      400,
      'secret_key_material',
    );
    expect(
      (await call(`/api/v1/lookup/by-email/${a.address}`).then((r) => r.json())) as object,
    ).toMatchObject({
      fingerprint: a.fingerprint,
    });
  });

  it('refuses keys that cannot encrypt, revoked keys, garbage and keys for other addresses', async () => {
    const a = await registerAccount();
    const signOnly = await newOpenpgpKey([{ email: a.address }]);
    const pub = signOnly.publicKey;
    (pub as unknown as { subkeys: unknown[] }).subkeys = [];
    await expectError(await publish(a.token, pub.armor()), 400, 'key_unusable');
    const { publicKey: revoked } = await openpgp.revokeKey({ key: signOnly.privateKey, format: 'armored' });
    await expectError(await publish(a.token, revoked), 400, 'key_unusable');
    await expectError(await publish(a.token, 'not a key'), 400, 'malformed_key');
    const foreign = await newOpenpgpKey([{ email: 'someone@example.org' }]);
    await expectError(await publish(a.token, foreign.publicKey.armor()), 400, 'no_matching_user_id');
    await expectError(await publish('x'.repeat(43), foreign.publicKey.armor()), 401, 'unauthorized');
  });

  it('strips unverified user IDs and third-party certifications before storage', async () => {
    const a = await registerAccount({ extraUserIds: [{ email: 'unverified@example.org' }] });
    const certifier = await newOpenpgpKey([{ email: 'certifier@example.org' }]);
    const user = a.publicKey.users.find((u) => u.userID?.email === a.address)!;
    const certified = await (
      user as unknown as {
        certify(keys: openpgp.PrivateKey[], date: Date, config: unknown): Promise<openpgp.User>;
      }
    ).certify([certifier.privateKey], new Date(), openpgp.config);
    expect(certified.otherCertifications.length).toBe(1);
    a.publicKey.users = a.publicKey.users.map((u) => (u === user ? certified : u));
    const res = await publish(a.token, a.publicKey.armor());
    expect(res.status).toBe(200);
    expect(PublishKeysResponse.parse(await res.json()).published).toEqual([a.address]);
    const row = await env.DB.prepare('SELECT binary_key FROM openpgp_keys WHERE fingerprint = ?1')
      .bind(a.fingerprint)
      .first<{ binary_key: ArrayBuffer }>();
    const stored = await openpgp.readKey({ binaryKey: new Uint8Array(row!.binary_key) });
    expect(stored.users.map((u) => u.userID?.email)).toEqual([a.address]);
    expect(stored.users[0]!.otherCertifications).toEqual([]);
    expect(stored.users[0]!.selfCertifications.length).toBeGreaterThan(0);
  });

  it('strips the photo ID, the unproven user ID and third-party certifications of a gpg-made key', async () => {
    const registered = await registerWithKey(GPG_PHOTO_KEY_ADDRESS, GPG_PHOTO_KEY);
    expect(registered.fingerprint).toBe(GPG_PHOTO_KEY_FINGERPRINT);
    const original = await openpgp.readKey({ armoredKey: GPG_PHOTO_KEY });
    expect(original.users.length).toBe(3);
    expect(original.users.filter((u) => u.userAttribute).length).toBe(1);
    expect(original.users.every((u) => u.otherCertifications.length === 1)).toBe(true);
    const served = await openpgp.readKey({
      armoredKey: await bodyText(await call(`/vks/v1/by-fingerprint/${GPG_PHOTO_KEY_FINGERPRINT}`)),
    });
    expect(served.users.map((u) => u.userID?.userID ?? 'attribute')).toEqual([
      `Photo Owner <${GPG_PHOTO_KEY_ADDRESS}>`,
    ]);
    expect(served.users[0]!.otherCertifications).toEqual([]);
    // what is left is still a valid, usable key
    expect((await served.getPrimaryUser()).user.userID?.email).toBe(GPG_PHOTO_KEY_ADDRESS);
    expect(await served.getEncryptionKey()).toBeTruthy();
  });

  it('moves the address binding to a replacement key', async () => {
    const a = await registerAccount();
    const next = await newOpenpgpKey([{ email: a.address }]);
    const res = await publish(a.token, next.publicKey.armor());
    expect(res.status).toBe(200);
    const newFpr = next.publicKey.getFingerprint().toUpperCase();
    expect(PublishKeysResponse.parse(await res.json())).toEqual({
      fingerprint: newFpr,
      published: [a.address],
      strippedSubkeys: [],
    });
    const byEmail = (await (await call(`/api/v1/lookup/by-email/${a.address}`)).json()) as {
      fingerprint: string;
    };
    expect(byEmail.fingerprint).toBe(newFpr);
    const old = (await (await call(`/api/v1/lookup/by-fingerprint/${a.fingerprint}`)).json()) as {
      addresses: string[];
    };
    expect(old.addresses).toEqual([]);
    expect((await logOf(a.accountId)).slice(-2)).toEqual([
      { action: 'replace', address: null, old_fingerprint: a.fingerprint, new_fingerprint: newFpr },
      { action: 'bind', address: a.address, old_fingerprint: a.fingerprint, new_fingerprint: newFpr },
    ]);
  });

  it('refuses a key another account published', async () => {
    const a = await registerAccount();
    const b = await registerAccount();
    // b cannot claim a's key (it also lacks b's address; the fingerprint check comes first for a matching UID)
    const shared = await newOpenpgpKey([{ email: a.address }, { email: b.address }]);
    expect((await publish(a.token, shared.publicKey.armor())).status).toBe(200);
    await expectError(await publish(b.token, shared.publicKey.armor()), 409, 'key_in_use');
  });

  it('refuses envelope keys whose signatures do not verify', async () => {
    const a = await registerAccount();
    const { keys } = newEnvelope(2);
    const other = newEnvelope(0);
    const badIdentity = { ...keys, identity: { ...keys.identity, dhKey: other.keys.identity.dhKey } };
    await expectError(await publish(a.token, a.publicKey.armor(), badIdentity), 400, 'bad_signature');
    const badSpk = { ...keys, signedPrekey: other.keys.signedPrekey };
    await expectError(await publish(a.token, a.publicKey.armor(), badSpk), 400, 'bad_signature');
  });
});

describe('body limits', () => {
  it('answers 413 in the error shape for oversized bodies', async () => {
    const a = await registerAccount();
    const big = JSON.stringify({ openpgpKey: 'x'.repeat(200 * 1024) });
    for (const [method, path] of [
      ['POST', '/api/v1/directory/keys'],
      ['POST', '/api/v1/directory/revocation'],
      ['PUT', '/api/v1/prekeys/signed'],
      ['POST', '/api/v1/prekeys/one-time'],
    ] as const) {
      const res = await call(path, {
        method,
        token: a.token,
        body: big,
        headers: { 'Content-Type': 'application/json' },
      });
      await expectError(res, 413, 'body_too_large');
    }
  });
});

describe('CORS', () => {
  it('account routes answer only extension origins; bundles and lookups any origin', async () => {
    const a = await registerAccount();
    const web = { Origin: 'https://evil.example' };
    const ext = { Origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' };
    const refused = await call('/api/v1/prekeys/stock', { token: a.token, headers: web });
    await expectError(refused, 403, 'origin_not_allowed');
    const allowed = await call('/api/v1/prekeys/stock', { token: a.token, headers: ext });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(ext.Origin);
    const preflight = await call('/api/v1/directory/keys', {
      method: 'OPTIONS',
      headers: {
        ...ext,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(ext.Origin);
    const bundlePreflight = await call(`/api/v1/prekeys/bundle/${a.address}`, {
      method: 'OPTIONS',
      headers: { ...web, 'Access-Control-Request-Method': 'POST' },
    });
    expect(bundlePreflight.status).toBe(204);
    expect(bundlePreflight.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });
});

describe('revocation', () => {
  it('publishes an uploaded revocation certificate', async () => {
    const a = await registerAccount();
    const res = await call('/api/v1/directory/revocation', {
      method: 'POST',
      token: a.token,
      json: { revocation: a.revocationCertificate },
    });
    expect(res.status).toBe(200);
    expect(RevocationResponse.parse(await res.json())).toEqual({ fingerprint: a.fingerprint, revoked: true });
    const served = await openpgp.readKey({
      armoredKey: await bodyText(await call(`/vks/v1/by-email/${a.address}`)),
    });
    expect(await served.isRevoked()).toBe(true);
    const json = (await (await call(`/api/v1/lookup/by-fingerprint/${a.fingerprint}`)).json()) as {
      revoked: boolean;
    };
    expect(json.revoked).toBe(true);
    expect((await logOf(a.accountId)).at(-1)).toMatchObject({
      action: 'revoke',
      new_fingerprint: a.fingerprint,
    });
  });

  it('publishes a revoked copy of the key, without taking its extra user IDs', async () => {
    const a = await registerAccount({ extraUserIds: [{ email: 'hidden@example.org' }] });
    const { publicKey } = await openpgp.revokeKey({ key: a.privateKey, format: 'armored' });
    const res = await call('/api/v1/directory/revocation', {
      method: 'POST',
      token: a.token,
      json: { revocation: publicKey },
    });
    expect(res.status).toBe(200);
    const served = await bodyText(await call(`/vks/v1/by-fingerprint/${a.fingerprint}`));
    expect(await (await openpgp.readKey({ armoredKey: served })).isRevoked()).toBe(true);
    expect(await userIdEmails(served)).toEqual([a.address]);
  });

  it('refuses a revocation for another key', async () => {
    const a = await registerAccount();
    const b = await registerAccount();
    const res = await call('/api/v1/directory/revocation', {
      method: 'POST',
      token: a.token,
      json: { revocation: b.revocationCertificate },
    });
    await expectError(res, 400, 'bad_signature');
  });
});

describe('directory_log', () => {
  it('is append-only', async () => {
    const a = await registerAccount();
    await expect(
      env.DB.prepare("UPDATE directory_log SET action = 'publish' WHERE account_id = ?1")
        .bind(a.accountId)
        .run(),
    ).rejects.toThrow(/append-only/);
    await expect(
      env.DB.prepare('DELETE FROM directory_log WHERE account_id = ?1').bind(a.accountId).run(),
    ).rejects.toThrow(/append-only/);
    expect((await logOf(a.accountId)).length).toBe(3);
  });
});
