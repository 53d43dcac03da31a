// The read path's prekey custody against a real IndexedDB (fake-indexeddb) and real envelopes:
// an open deletes the one-time prekey from the unlocked secrets and the local vault (tombstoned),
// keeps a sealed copy for re-reads of the same message, refuses the envelope in another message,
// and stores nothing readable. The push to the Worker is e2e/extension/forward-secrecy.e2e.ts.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { toBase64Url, toHex, utf8 } from '../../shared/encoding.ts';
import {
  armorEnvelope,
  dearmorEnvelope,
  fingerprintHex,
  identitySecretFromJson,
  oneTimePrekeySecretFromJson,
  publicIdentity,
  publicOneTimePrekey,
  publicSignedPrekey,
  type RecipientBundle,
  sealBytes,
  signedPrekeySecretFromJson,
} from '../../shared/envelope/index.ts';
import { newKdfParams } from '../../shared/kdf/passphrase.ts';
import { encodeVault, sealVault } from '../../shared/vault/index.ts';
import { openDatabase } from '../store/db.ts';
import { defaultSettings, Records } from '../store/records.ts';
import { type AccountSecrets, encodeContents } from './account.ts';
import { Custody, memorySessionArea } from './custody.ts';
import { fingerprintsOf, generateIdentitySecrets, type IdentitySecrets } from './identity.ts';
import { localKey } from './local-keys.ts';
import { type OverlayKeySource, readBlock, UnlockedKeyCache } from './overlay-crypto.ts';
import { createPrekeyCustody } from './prekey-custody.ts';
import { ReplayLedger } from './replay-ledger.ts';
import { vaultContentsOf } from './vault-sync.ts';

function bundleOf(s: IdentitySecrets, opkIndex = 0): RecipientBundle {
  const identity = identitySecretFromJson(s.envelope.identity);
  return {
    address: s.address,
    deviceId: '',
    identity: publicIdentity(identity),
    signedPrekey: publicSignedPrekey(identity, signedPrekeySecretFromJson(s.envelope.signedPrekeys[0]!)),
    oneTimePrekey: publicOneTimePrekey(oneTimePrekeySecretFromJson(s.envelope.oneTimePrekeys[opkIndex]!)),
  };
}

let n = 0;
async function bobDevice() {
  const identity = await generateIdentitySecrets(`bob${++n}@example.org`, () => {});
  const wrapKey = crypto.getRandomValues(new Uint8Array(32));
  const secrets: AccountSecrets = {
    identity,
    addresses: [identity.address],
    wrapKey: toBase64Url(wrapKey),
    authKey: toBase64Url(crypto.getRandomValues(new Uint8Array(32))),
  };
  const db = await openDatabase(`prekey-custody-${n}`);
  const records = new Records(db, defaultSettings(true));
  const contents = { v: 1 as const, identity, addresses: [identity.address] };
  await records.putVault({
    id: 'self',
    address: identity.address,
    serverUrl: 'http://127.0.0.1:9',
    blob: encodeVault(await sealVault(encodeContents(contents), wrapKey, newKdfParams(), identity.address)),
    version: 4,
    fingerprints: fingerprintsOf(identity),
    updatedAt: 0,
  });
  const custody = new Custody<AccountSecrets>(
    memorySessionArea(),
    { set: async () => {}, clear: async () => true },
    async () => 3_600_000,
  );
  await custody.unlock(secrets);
  let pushes = 0;
  const prekeys = createPrekeyCustody({ db, records, custody, syncSoon: () => void pushes++ });
  const keys: OverlayKeySource = {
    secrets: async () => (await custody.current())?.identity ?? null,
    contacts: async () => [],
    lookup: async () => null,
    bundle: async () => null,
    envelopeFingerprint: async (a) =>
      a === ALICE.address
        ? fingerprintHex(publicIdentity(identitySecretFromJson(ALICE.envelope.identity)))
        : null,
    envelopeReading: async (read) => {
      const s = await custody.current();
      return s ? prekeys.reading(s, read) : null;
    },
    envelopePin: async () => null,
  };
  const read = (armored: string, delivery: string | null) =>
    readBlock(
      {
        kind: 'envelope',
        text: armored,
        displayedSender: ALICE.address,
        delivery,
        clipped: false,
        fullViewUrl: null,
      },
      keys,
      new UnlockedKeyCache(),
    );
  return { identity, secrets, db, records, custody, prekeys, read, pushes: () => pushes };
}

const ALICE = await generateIdentitySecrets('alice@example.org', () => {});
async function sealTo(bob: IdentitySecrets, text: string, opkIndex = 0): Promise<string> {
  const sealed = await sealBytes(
    utf8(`Content-Type: text/plain; charset=utf-8\r\n\r\n${text}`),
    {
      address: ALICE.address,
      deviceId: '',
      identity: identitySecretFromJson(ALICE.envelope.identity),
      signedPrekey: signedPrekeySecretFromJson(ALICE.envelope.signedPrekeys[0]!),
    },
    [bundleOf(bob, opkIndex)],
  );
  return armorEnvelope(sealed);
}

const opkIds = (s: IdentitySecrets) => s.envelope.oneTimePrekeys.map((o) => o.id);

describe('prekey custody on the read path', () => {
  it('an open deletes the one-time prekey from the unlocked secrets and the local vault, tombstoned', async () => {
    const bob = await bobDevice();
    const used = bob.identity.envelope.oneTimePrekeys[0]!.id;
    const view = await bob.read(await sealTo(bob.identity, 'first canary'), 'msg-1');
    expect(view.kind === 'message' && view.parts.map((p) => p.text).join('')).toContain('first canary');
    await bob.prekeys.idle();

    const held = (await bob.custody.current())!.identity;
    expect(opkIds(held)).not.toContain(used);
    expect(held.envelope.consumedOneTimePrekeys).toEqual([used]);
    const record = (await bob.records.vault())!;
    expect(record.unsynced).toBe(true);
    expect(record.version).toBe(4); // not pushed yet: that is the sync's job
    const onDisk = await vaultContentsOf(record.blob, bob.secrets, record.address);
    expect(opkIds(onDisk.identity)).not.toContain(used);
    expect(onDisk.identity.envelope.consumedOneTimePrekeys).toEqual([used]);
    expect(opkIds(onDisk.identity)).toHaveLength(bob.identity.envelope.oneTimePrekeys.length - 1);
    expect(bob.pushes()).toBe(1);
  });

  it('a re-read of the same message comes from the kept copy; the envelope in another message is refused', async () => {
    const bob = await bobDevice();
    const armored = await sealTo(bob.identity, 'pay 100 to carol');
    const first = await bob.read(armored, 'msg-1');
    if (first.kind !== 'message') throw new Error('expected a message');
    expect(first.verdict.firstOpenedAt).toBeNull();
    await bob.prekeys.idle();

    const again = await bob.read(armored, 'msg-1');
    if (again.kind !== 'message') throw new Error('expected a message');
    expect(again.parts.map((p) => p.text).join('')).toBe(first.parts.map((p) => p.text).join(''));
    expect(again.parts.map((p) => p.text).join('')).toContain('pay 100 to carol');
    expect(again.verdict.firstOpenedAt).toEqual(expect.any(Number));
    expect(again.verdict.signatures).toEqual(first.verdict.signatures);

    const replay = bob.read(armored, 'msg-2');
    await expect(replay).rejects.toMatchObject({ code: 'duplicate', message: /already opened/ });
    // A page that names no message: a delivery of its own, also refused.
    await expect(bob.read(armored, null)).rejects.toMatchObject({ code: 'duplicate' });
  });

  it('keeps nothing readable on disk: no plaintext, no envelope id', async () => {
    const bob = await bobDevice();
    const canary = `canary-${toHex(crypto.getRandomValues(new Uint8Array(8)))}`;
    const armored = await sealTo(bob.identity, canary);
    await bob.read(armored, 'msg-1');
    await bob.prekeys.idle();
    const cache = await bob.db.getAll('readCache');
    const opened = await bob.db.getAll('opened');
    expect(cache).toHaveLength(1);
    expect(opened).toHaveLength(1);
    const dump = JSON.stringify(opened) + cache.map((e) => Buffer.from(e).toString('latin1')).join('');
    expect(dump).not.toContain(canary);
    expect(dump).not.toContain(Buffer.from(canary).toString('base64'));
    // The envelope id (header bytes 28–43, envelope-v1 §5.2) appears nowhere in the ledger.
    const envelopeId = toHex(dearmorEnvelope(armored).subarray(28, 44));
    expect(JSON.stringify(opened)).not.toContain(envelopeId);
  });

  it('upkeep’s sweep deletes a prekey the ledger recorded but an interrupted deletion left behind', async () => {
    const bob = await bobDevice();
    const used = bob.identity.envelope.oneTimePrekeys[2]!.id;
    // Recorded, then the worker stopped before the deletion ran.
    const ledger = new ReplayLedger(bob.db, localKey(bob.identity, 'replay-ledger'), () => {});
    await ledger.record({ envelopeId: 'ab'.repeat(16), createdAt: 1, oneTimePrekeyId: used });
    const swept = await bob.prekeys.sweep(bob.secrets);
    expect(opkIds(swept.identity)).not.toContain(used);
    expect(swept.identity.envelope.consumedOneTimePrekeys).toEqual([used]);
    // Another account's ledger rows on the same profile are not this identity's.
    const other = await generateIdentitySecrets('other@example.org', () => {});
    const theirs = new ReplayLedger(bob.db, localKey(other, 'replay-ledger'), () => {});
    await theirs.record({
      envelopeId: 'cd'.repeat(16),
      createdAt: 1,
      oneTimePrekeyId: bob.identity.envelope.oneTimePrekeys[5]!.id,
    });
    expect(opkIds((await bob.prekeys.sweep(bob.secrets)).identity)).toHaveLength(
      bob.identity.envelope.oneTimePrekeys.length - 1,
    );
  });

  it('locked, nothing opens (and it says locked, not a key problem)', async () => {
    const bob = await bobDevice();
    const armored = await sealTo(bob.identity, 'x');
    await bob.custody.lock();
    await expect(bob.read(armored, 'msg-1')).rejects.toMatchObject({ code: 'locked' });
  });
});
