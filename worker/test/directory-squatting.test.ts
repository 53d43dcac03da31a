// A fingerprint or key ID names exactly one key (worker/src/directory/keys-table.ts, resolve):
// only subkeys with a valid binding by the primary key are kept and indexed, the key whose
// primary is a fingerprint always wins it, and uploading first wins nothing. Also the part caps,
// the per-account publish limit, and envelope identities owned by one account.

import * as openpgp from 'openpgp';
import { describe, expect, it, vi } from 'vitest';
import { KeyLookupResponse, PrekeyBundle, PublishKeysResponse } from '../../shared/api/directory.ts';
import { PUBLISH_LIMIT } from '../src/directory/publish.ts';
import {
  bodyText,
  call,
  freshAddress,
  newEnvelope,
  newOpenpgpKey,
  publish,
  registerAccount,
  registerWithKey,
} from './directory-support/accounts.ts';
import {
  asSubkeyPacket,
  bindingBy,
  FLAGS,
  tinySubkeyPackets,
  withExtraSubkeys,
  withRawPackets,
} from './directory-support/forge.ts';

async function expectError(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(code);
}

/** The primary fingerprint each lookup by `fpr` (fingerprint, key ID; JSON, VKS, HKP) answers, or 404. */
async function whoAnswers(fpr: string): Promise<Record<string, string | number>> {
  const keyId = fpr.slice(-16);
  const armored = async (path: string) => {
    const res = await call(path);
    if (res.status !== 200) return res.status;
    return (await openpgp.readKey({ armoredKey: await bodyText(res) })).getFingerprint().toUpperCase();
  };
  const json = await call(`/api/v1/lookup/by-fingerprint/${fpr}`);
  return {
    json: json.status === 200 ? KeyLookupResponse.parse(await json.json()).fingerprint : json.status,
    vksFingerprint: await armored(`/vks/v1/by-fingerprint/${fpr}`),
    vksKeyId: await armored(`/vks/v1/by-keyid/${keyId}`),
    hkpKeyId: await armored(`/pks/lookup?op=get&options=mr&search=0x${keyId}`),
  };
}

const everywhere = (answer: string | number) => ({
  json: answer,
  vksFingerprint: answer,
  vksKeyId: answer,
  hkpKeyId: answer,
});

/** A registered squatter with the decrypted private key needed to sign bindings. */
async function squatter() {
  const address = freshAddress('mallory');
  const key = await newOpenpgpKey([{ email: address }]);
  const registered = await registerWithKey(address, key.publicKey.armor());
  return { address, key, token: registered.session.accessToken };
}

describe('primary key as someone else’s subkey', () => {
  it('unbound: stripped, never indexed, and the owner registers afterwards and wins', async () => {
    const aliceAddress = freshAddress('alice');
    const alice = await newOpenpgpKey([{ email: aliceAddress }]);
    const aliceFpr = alice.publicKey.getFingerprint().toUpperCase();
    const mallory = await squatter();
    const forged = withExtraSubkeys(mallory.key.privateKey, [
      { packet: await asSubkeyPacket(alice.publicKey.keyPacket), signatures: [] },
    ]);
    const res = await publish(mallory.token, forged);
    expect(res.status).toBe(200);
    expect(PublishKeysResponse.parse(await res.json()).strippedSubkeys).toEqual([aliceFpr]);
    expect(await whoAnswers(aliceFpr)).toEqual(everywhere(404));
    const registered = await registerWithKey(aliceAddress, alice.publicKey.armor());
    expect(registered.fingerprint).toBe(aliceFpr);
    expect(await whoAnswers(aliceFpr)).toEqual(everywhere(aliceFpr));
  });

  it('validly bound as an encryption subkey (RSA): the owner still registers and wins every lookup', async () => {
    const aliceAddress = freshAddress('alice');
    const alice = await openpgp.generateKey({
      type: 'rsa',
      rsaBits: 2048,
      userIDs: [{ email: aliceAddress }],
      format: 'object',
    });
    const aliceFpr = alice.publicKey.getFingerprint().toUpperCase();
    const mallory = await squatter();
    const packet = await asSubkeyPacket(alice.publicKey.keyPacket);
    const forged = withExtraSubkeys(mallory.key.privateKey, [
      { packet, signatures: [await bindingBy(mallory.key.privateKey, packet, FLAGS.encrypt)] },
    ]);
    const res = await publish(mallory.token, forged);
    expect(res.status).toBe(200);
    expect(PublishKeysResponse.parse(await res.json()).strippedSubkeys).toEqual([]);
    const registered = await registerWithKey(aliceAddress, alice.publicKey.armor());
    expect(registered.fingerprint).toBe(aliceFpr);
    expect(await whoAnswers(aliceFpr)).toEqual(everywhere(aliceFpr));
  });

  it('bound with flags its algorithm cannot have, or as a signing key without its back-signature: stripped', async () => {
    const alice = await registerAccount();
    const mallory = await squatter();
    const packet = await asSubkeyPacket(alice.publicKey.keyPacket);
    for (const flags of [FLAGS.encrypt, FLAGS.sign, FLAGS.certify | FLAGS.sign]) {
      const forged = withExtraSubkeys(mallory.key.privateKey, [
        { packet, signatures: [await bindingBy(mallory.key.privateKey, packet, flags)] },
      ]);
      const res = await publish(mallory.token, forged);
      expect(res.status).toBe(200);
      expect(PublishKeysResponse.parse(await res.json()).strippedSubkeys).toEqual([alice.fingerprint]);
    }
    expect(await whoAnswers(alice.fingerprint)).toEqual(everywhere(alice.fingerprint));
  });
});

describe('encryption subkey as someone else’s subkey', () => {
  it('unbound: stripped; the owner registers afterwards and its subkey names its key', async () => {
    const aliceAddress = freshAddress('alice');
    const alice = await newOpenpgpKey([{ email: aliceAddress }]);
    const aliceFpr = alice.publicKey.getFingerprint().toUpperCase();
    const subkey = alice.publicKey.subkeys[0]!;
    const subFpr = subkey.getFingerprint().toUpperCase();
    const mallory = await squatter();
    const forged = withExtraSubkeys(mallory.key.privateKey, [
      { packet: subkey.keyPacket as openpgp.PublicSubkeyPacket, signatures: [] },
    ]);
    const res = await publish(mallory.token, forged);
    expect(PublishKeysResponse.parse(await res.json()).strippedSubkeys).toEqual([subFpr]);
    expect(await whoAnswers(subFpr)).toEqual(everywhere(404));
    await registerWithKey(aliceAddress, alice.publicKey.armor());
    expect(await whoAnswers(subFpr)).toEqual(everywhere(aliceFpr));
  });

  it('validly bound by a second key, before or after the owner: the subkey names neither key', async () => {
    // Anyone can bind a public encryption key to their own primary: neither binding proves who
    // holds it, so neither upload order wins.
    for (const squatFirst of [true, false]) {
      const aliceAddress = freshAddress('alice');
      const alice = await newOpenpgpKey([{ email: aliceAddress }]);
      const aliceFpr = alice.publicKey.getFingerprint().toUpperCase();
      const subkey = alice.publicKey.subkeys[0]!.keyPacket as openpgp.PublicSubkeyPacket;
      const subFpr = subkey.getFingerprint().toUpperCase();
      const mallory = await squatter();
      const forged = withExtraSubkeys(mallory.key.privateKey, [
        { packet: subkey, signatures: [await bindingBy(mallory.key.privateKey, subkey, FLAGS.encrypt)] },
      ]);
      if (!squatFirst) await registerWithKey(aliceAddress, alice.publicKey.armor());
      const squat = await publish(mallory.token, forged);
      // The binding verifies: the subkey is kept and indexed for Mallory's key too.
      expect(PublishKeysResponse.parse(await squat.json()).strippedSubkeys).toEqual([]);
      if (squatFirst) await registerWithKey(aliceAddress, alice.publicKey.armor());
      expect(await whoAnswers(subFpr), `squat first: ${squatFirst}`).toEqual(everywhere(404));
      expect(await whoAnswers(aliceFpr)).toEqual(everywhere(aliceFpr));
      const byEmail = KeyLookupResponse.parse(
        await (await call(`/api/v1/lookup/by-email/${aliceAddress}`)).json(),
      );
      expect(byEmail.fingerprint).toBe(aliceFpr);
    }
  });

  it('a signing subkey names its own key: another key cannot bind it without its back-signature', async () => {
    const address = freshAddress('alice');
    const alice = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: address }],
      subkeys: [{}, { sign: true }],
      format: 'object',
    });
    await registerWithKey(address, alice.publicKey.armor());
    const signing = alice.publicKey.subkeys[1]!.keyPacket as openpgp.PublicSubkeyPacket;
    const mallory = await squatter();
    const forged = withExtraSubkeys(mallory.key.privateKey, [
      { packet: signing, signatures: [await bindingBy(mallory.key.privateKey, signing, FLAGS.sign)] },
    ]);
    const res = await publish(mallory.token, forged);
    expect(PublishKeysResponse.parse(await res.json()).strippedSubkeys).toEqual([
      signing.getFingerprint().toUpperCase(),
    ]);
    expect(await whoAnswers(signing.getFingerprint().toUpperCase())).toEqual(
      everywhere(alice.publicKey.getFingerprint().toUpperCase()),
    );
  });
});

describe('part caps', () => {
  it('refuses a 1,000-subkey key before checking a single signature', async () => {
    const a = await registerAccount();
    const armored = withRawPackets(a.privateKey, tinySubkeyPackets(1000));
    expect(armored.length).toBeLessThan(64 * 1024);
    const started = Date.now();
    await expectError(await publish(a.token, armored), 400, 'too_many_subkeys');
    expect(Date.now() - started).toBeLessThan(5_000);
    // Nothing of it was stored or indexed.
    const served = await openpgp.readKey({
      armoredKey: await bodyText(await call(`/vks/v1/by-fingerprint/${a.fingerprint}`)),
    });
    expect(served.subkeys.length).toBe(1);
  });

  it('refuses more than 32 subkeys, 16 user IDs or 256 signatures, bound or not', async () => {
    const a = await registerAccount();
    let many = a.privateKey;
    for (let i = 0; i < 32; i++) many = await many.addSubkey({ type: 'ecc', curve: 'curve25519Legacy' });
    await expectError(await publish(a.token, many.toPublic().armor()), 400, 'too_many_subkeys');
    const uids = await openpgp.reformatKey({
      privateKey: a.privateKey,
      userIDs: Array.from({ length: 17 }, (_, i) => ({ email: i === 0 ? a.address : `x${i}@example.org` })),
      format: 'object',
    });
    await expectError(await publish(a.token, uids.publicKey.armor()), 400, 'too_many_user_ids');
    // 257 signature packets (one-byte bodies: counted, never parsed).
    const sigs = new Uint8Array(Array.from({ length: 257 }, () => [0xc0 | 2, 1, 4]).flat());
    await expectError(await publish(a.token, withRawPackets(a.privateKey, sigs)), 400, 'too_many_signatures');
  });
});

describe('publish limit', () => {
  it(`allows ${PUBLISH_LIMIT.capacity} publishes per account at once, then 429 with Retry-After`, async () => {
    const a = await registerAccount();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now());
    try {
      for (let i = 0; i < PUBLISH_LIMIT.capacity; i++)
        expect((await publish(a.token, a.publicKey.armor())).status).toBe(200);
      const refused = await publish(a.token, a.publicKey.armor());
      expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
      await expectError(refused, 429, 'publish_rate_limited');
      // Another account is not affected.
      const b = await registerAccount();
      expect((await publish(b.token, b.publicKey.armor())).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('envelope identities', () => {
  it('belong to one account: a copy of a published identity and signed prekey is refused', async () => {
    const a = await registerAccount({ oneTimePrekeys: 2 });
    const bundle = PrekeyBundle.parse(
      await (
        await call(`/api/v1/prekeys/bundle/${a.address}`, {
          method: 'POST',
          headers: { 'CF-Connecting-IP': '192.0.2.9' },
        })
      ).json(),
    );
    const copied = { identity: bundle.identity, signedPrekey: bundle.signedPrekey, oneTimePrekeys: [] };
    // At registration…
    const address = freshAddress('copycat');
    const key = await newOpenpgpKey([{ email: address }]);
    await expect(registerWithKey(address, key.publicKey.armor(), copied)).rejects.toThrow(
      /409.*identity_in_use/,
    );
    // …and by publishing.
    const b = await registerAccount();
    await expectError(await publish(b.token, b.publicKey.armor(), copied), 409, 'identity_in_use');
    // Its owner can still publish it again.
    expect((await publish(a.token, a.publicKey.armor(), { ...copied, oneTimePrekeys: [] })).status).toBe(200);
    expect(newEnvelope(0).keys.identity.signingKey).not.toBe(bundle.identity.signingKey);
  });
});
