// A browser extension's background without a browser, for e2e tests against a real `wrangler dev`
// Worker: an account registered with a real vault (Argon2id, envelope keys published), and
// devices of it whose background can be restarted with only its storage.session and IndexedDB
// (fake-indexeddb), wired as entrypoints/background.ts wires them.

import 'fake-indexeddb/auto';
import {
  type AccountSecrets,
  derive,
  encodeContents,
  toServerKdf,
} from '../../extension/background/account.ts';
import { restoreAccount } from '../../extension/background/account-setup.ts';
import { Custody, memorySessionArea } from '../../extension/background/custody.ts';
import {
  generateIdentitySecrets,
  type IdentitySecrets,
  publicEnvelopeKeys,
  publicPgpKey,
} from '../../extension/background/identity.ts';
import { createInboxService, type InboxDeps } from '../../extension/background/inbox/service.ts';
import { createPrekeyCustody } from '../../extension/background/prekey-custody.ts';
import { accountServerFor, createHandlers } from '../../extension/background/service.ts';
import { runUpkeep, syncVaultNow, type UpkeepDeps } from '../../extension/background/upkeep.ts';
import { openDatabase } from '../../extension/store/db.ts';
import { defaultSettings, Records } from '../../extension/store/records.ts';
import type { VaultRecord } from '../../extension/store/schema.ts';
import { RegisterResponse, type SessionTokens } from '../../shared/api/accounts.ts';
import { toBase64Url } from '../../shared/encoding.ts';
import { newKdfParams } from '../../shared/kdf/passphrase.ts';
import { encodeVault, sealVault } from '../../shared/vault/index.ts';

export const PASSPHRASE = 'a long passphrase for the background tests';

/** Registers `address` with a real vault sealed under PASSPHRASE; the first session comes back. */
export async function registerWithVault(serverUrl: string, address: string) {
  const identity = await generateIdentitySecrets(address, () => {});
  const kdf = newKdfParams();
  const keys = await derive(PASSPHRASE, kdf);
  const blob = encodeVault(
    await sealVault(encodeContents({ v: 1, identity, addresses: [address] }), keys.wrapKey, kdf, address),
  );
  const res = await fetch(`${serverUrl}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      address,
      kdf: toServerKdf(kdf),
      authKey: toBase64Url(keys.authKey),
      vault: blob,
      keys: { openpgpKey: await publicPgpKey(identity), envelope: publicEnvelopeKeys(identity) },
      deviceName: 'Browser extension',
    }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  const registered = RegisterResponse.parse(await res.json());
  const record: VaultRecord = {
    id: 'self',
    address,
    serverUrl,
    blob,
    version: 1,
    fingerprints: { pgp: identity.pgp.fingerprint, envelope: '' },
    updatedAt: Date.now(),
  };
  return { identity, record, session: registered.session, authKey: toBase64Url(keys.authKey) };
}

let databases = 0;

/** One device of an account: its own IndexedDB and storage.session; `start()` (re)starts its background. */
export async function backgroundDevice(
  record: VaultRecord | null,
  name = `device-${++databases}`,
  /** The upkeep's clock (prekey rotation and grace periods), real time by default. */
  now: () => number = Date.now,
  /** The badge, notifications and poll alarm of the inbox, when a test watches them. */
  platform?: InboxDeps['platform'],
) {
  const db = await openDatabase(`e2e-${name}-${Date.now()}`);
  const records = new Records(db, defaultSettings(true));
  if (record) await records.putVault(record);
  let area = memorySessionArea();
  const alarms = { set: async () => {}, clear: async () => true };
  const start = () => {
    const custody = new Custody<AccountSecrets>(area, alarms, async () => 7 * 24 * 3_600_000);
    const server = accountServerFor(records, custody, area);
    let deps!: UpkeepDeps;
    const prekeys = createPrekeyCustody({ db, records, custody, syncSoon: () => syncVaultNow(deps) });
    deps = { records, custody, server, prekeys, now };
    const inbox = createInboxService({
      db,
      records,
      custody,
      server,
      prekeys: Promise.resolve(prekeys),
      ...(platform ? { platform } : {}),
    });
    return {
      custody,
      server,
      prekeys,
      inbox,
      upkeep: () => runUpkeep(deps),
      handlers: { ...createHandlers(records, custody, undefined, server), ...inbox.handlers },
    };
  };
  let bg = start();
  return {
    db,
    records,
    get bg() {
      return bg;
    },
    /** The service worker stopped and woke: memory is gone, storage.session and IndexedDB stay. */
    restart() {
      bg = start();
    },
    /** The browser restarted: storage.session is gone too. */
    browserRestart() {
      area = memorySessionArea();
      bg = start();
    },
    /** Unlocks, and for a registered device stores registration's session as createAccount does. */
    async unlock(session?: SessionTokens) {
      await bg.handlers.unlock({ passphrase: PASSPHRASE });
      if (session) await bg.server.sessions.set(session);
    },
    /** A second device: restores the account from the Worker with the passphrase. */
    async restore(serverUrl: string, address: string): Promise<void> {
      const { record: restored, secrets } = await restoreAccount(
        bg.server,
        { serverUrl, address, passphrase: PASSPHRASE },
        () => {},
      );
      await records.putVault(restored);
      await bg.custody.unlock(secrets);
      await bg.server.sessions.sealHeld?.();
    },
  };
}

export type BackgroundDevice = Awaited<ReturnType<typeof backgroundDevice>>;
export type { IdentitySecrets };
