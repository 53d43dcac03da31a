// Forward secrecy end to end against a real `wrangler dev` Worker (docs/spec/envelope-v1.md §2.4,
// §4.5–4.6), with the extension's background wired as in the browser (fake-indexeddb, no
// browser): alice seals to a bundle the directory hands out; bob's first device opens it, and the
// one-time prekey it used is gone from that device's IndexedDB and from the next vault version on
// the Worker; bob's second device, restored before the open, pushes its stale copy and the prekey
// stays gone; a replayed delivery is refused with a clear verdict, a re-read is served.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentitySecrets, SIGNED_PREKEY_GRACE_MS } from '../../extension/background/identity.ts';
import { readBlock, UnlockedKeyCache } from '../../extension/background/overlay-crypto.ts';
import { createDirectoryLookups } from '../../extension/background/overlay-directory.ts';
import { createOverlayKeySource } from '../../extension/background/overlay-keys.ts';
import { anonymousClient } from '../../extension/background/server.ts';
import { lazyTransparency } from '../../extension/background/transparency-test-support.ts';
import { vaultContentsOf } from '../../extension/background/vault-sync.ts';
import { utf8 } from '../../shared/encoding.ts';
import {
  armorEnvelope,
  identitySecretFromJson,
  sealBytes,
  signedPrekeySecretFromJson,
} from '../../shared/envelope/index.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { type BackgroundDevice, backgroundDevice, registerWithVault } from './background-device.ts';

let worker: WorkerServer;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
});

const BOB = 'fs-bob@noise.localhost';
const ALICE = 'fs-alice@noise.localhost';

/** What the read overlay asks of the background, as overlay-ports.ts wires it. */
function readerOf(d: BackgroundDevice) {
  const directory = createDirectoryLookups(
    async () => worker.url,
    (url) => anonymousClient(url),
    // Its answers' transparency proofs checked, as the extension's background does.
    lazyTransparency(),
  );
  const keys = createOverlayKeySource({
    records: Promise.resolve(d.records),
    custody: d.bg.custody,
    directory,
    prekeys: Promise.resolve(d.bg.prekeys),
  });
  return (armored: string, delivery: string) =>
    readBlock(
      {
        kind: 'envelope',
        text: armored,
        displayedSender: ALICE,
        delivery,
        clipped: false,
        fullViewUrl: null,
      },
      keys,
      new UnlockedKeyCache(),
    );
}

/** The Worker's current vault for bob, opened with the device's unlocked keys. */
async function serverVault(d: BackgroundDevice) {
  const secrets = (await d.bg.custody.current())!;
  const { vault, version } = await d.bg.server.api(worker.url).vault.get();
  return { version, identity: (await vaultContentsOf(vault, secrets, BOB)).identity };
}

const opkIds = (s: IdentitySecrets) => s.envelope.oneTimePrekeys.map((o) => o.id);

describe('forward secrecy with a real Worker', () => {
  it('an opened one-time prekey is gone locally and from the next vault version, and a stale device does not bring it back', async () => {
    const bob = await registerWithVault(worker.url, BOB);
    const laptop = await backgroundDevice(bob.record, 'laptop');
    await laptop.unlock(bob.session);
    // The second device restores now, while the prekey still exists.
    const phone = await backgroundDevice(null, 'phone');
    await phone.restore(worker.url, BOB);
    const alice = (await registerWithVault(worker.url, ALICE)).identity;

    // Alice seals to the bundle the directory hands out: it carries one of bob's one-time prekeys.
    const directory = createDirectoryLookups(
      async () => worker.url,
      (url) => anonymousClient(url),
      // Its answers' transparency proofs checked, as the extension's background does.
      lazyTransparency(),
    );
    const bundle = await directory.bundle(BOB);
    const used = bundle?.oneTimePrekey?.id;
    expect(used).toEqual(expect.any(Number));
    const armored = armorEnvelope(
      await sealBytes(
        utf8('Content-Type: text/plain; charset=utf-8\r\n\r\nThe quarterly numbers, fs-canary'),
        {
          address: ALICE,
          deviceId: '',
          identity: identitySecretFromJson(alice.envelope.identity),
          signedPrekey: signedPrekeySecretFromJson(alice.envelope.signedPrekeys[0]!),
        },
        [bundle!],
      ),
    );
    expect(opkIds((await phone.bg.custody.current())!.identity)).toContain(used);

    const readOnLaptop = readerOf(laptop);
    const view = await readOnLaptop(armored, 'msg-1');
    expect(view.kind === 'message' && view.parts.map((p) => p.text).join('')).toContain('fs-canary');
    await laptop.bg.prekeys.idle();

    // Gone from the laptop's memory and IndexedDB vault copy…
    const secrets = (await laptop.bg.custody.current())!;
    expect(opkIds(secrets.identity)).not.toContain(used);
    const local = (await laptop.records.vault())!;
    expect(opkIds((await vaultContentsOf(local.blob, secrets, BOB)).identity)).not.toContain(used);
    // …and from the next vault version on the Worker, with its tombstone.
    const afterOpen = await serverVault(laptop);
    expect(afterOpen.version).toBe(2);
    expect(opkIds(afterOpen.identity)).not.toContain(used);
    expect(afterOpen.identity.envelope.consumedOneTimePrekeys).toEqual([used]);
    expect(local.version).toBe(2);
    expect(local.unsynced).toBeUndefined();

    // The phone still holds its old copy, and writes from it (a recovery sheet): the conflict
    // merge keeps the tombstone, so the pushed version does not have the prekey either.
    expect(opkIds((await phone.bg.custody.current())!.identity)).toContain(used);
    await phone.bg.handlers['identity.createRecovery']({});
    const afterStale = await serverVault(laptop);
    expect(afterStale.version).toBe(3);
    expect(opkIds(afterStale.identity)).not.toContain(used);
    expect(opkIds((await phone.bg.custody.current())!.identity)).not.toContain(used);
    // The phone's upkeep agrees, and the laptop's brings in the phone's recovery key.
    await phone.bg.upkeep();
    await laptop.bg.upkeep();
    expect((await laptop.bg.custody.current())?.recovery).toBeDefined();
    expect(opkIds((await serverVault(laptop)).identity)).not.toContain(used);

    // The same message again: the kept copy. The same envelope in another message: refused.
    const again = await readOnLaptop(armored, 'msg-1');
    expect(again.kind === 'message' && again.verdict.firstOpenedAt).toEqual(expect.any(Number));
    await expect(readOnLaptop(armored, 'msg-2')).rejects.toMatchObject({
      code: 'duplicate',
      message: expect.stringContaining('already opened'),
    });
    // The phone never opened it and its prekey is gone: it says so rather than guess.
    await expect(readerOf(phone)(armored, 'msg-1')).rejects.toMatchObject({
      code: 'not_for_me',
      message: expect.stringContaining('opened on another device'),
    });
  });

  it('upkeep rotates the signed prekey weekly and deletes a replaced one after its grace period', async () => {
    const DAY = 24 * 60 * 60_000;
    const dan = await registerWithVault(worker.url, 'fs-dan@noise.localhost');
    let clock = Date.now();
    const device = await backgroundDevice(dan.record, 'dan', () => clock);
    await device.unlock(dan.session);
    const spkIds = (s: IdentitySecrets) => s.envelope.signedPrekeys.map((k) => k.id);
    const onServer = async () => {
      const secrets = (await device.bg.custody.current())!;
      const { vault } = await device.bg.server.api(worker.url).vault.get();
      return spkIds((await vaultContentsOf(vault, secrets, dan.identity.address)).identity);
    };

    clock += 8 * DAY;
    await device.bg.upkeep(); // a week old: replaced, and the replaced one is kept for its grace
    expect(await onServer()).toEqual([2, 1]);
    clock += 8 * DAY;
    await device.bg.upkeep(); // replaced again; 1 was replaced 8 days ago, still in its grace
    expect(await onServer()).toEqual([3, 2, 1]);

    clock += SIGNED_PREKEY_GRACE_MS + DAY; // past the grace of 1 and 2
    await device.bg.upkeep();
    expect(await onServer()).toEqual([4, 3]);
    expect(spkIds((await device.bg.custody.current())!.identity)).toEqual([4, 3]);
    const local = (await device.records.vault())!;
    const secrets = (await device.bg.custody.current())!;
    expect(spkIds((await vaultContentsOf(local.blob, secrets, dan.identity.address)).identity)).toEqual([
      4, 3,
    ]);
  });
});
