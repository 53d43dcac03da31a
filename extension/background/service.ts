// The background's command handlers: lock state, unlock under the lockout (unlock-guard.ts),
// account creation and restore, identity, settings and the security log; the contact, session
// and transparency commands join from their own modules. Private keys stay in here.

import { normalizeAddress } from '../../shared/address.ts';
import type { CoreHandlers, IdentityView, SettingsView, Status } from '../messages/protocol.ts';
import { viewOf } from '../overlay/security-mark.ts';
import type { Records } from '../store/records.ts';
import type { VaultRecord } from '../store/schema.ts';
import { type AccountSecrets, exportBackup, fetchPrekeyStock, makeRecovery, openVault } from './account.ts';
import { createAccount, restoreAccount, startVerification } from './account-setup.ts';
import { contactHandlers } from './contact-handlers.ts';
import { type Custody, memorySessionArea, type SessionArea } from './custody.ts';
import { ExtensionError } from './errors.ts';
import { fingerprintsOf, publicPgpKey, readKeyInfo } from './identity.ts';
import { type KeyServerBases, PUBLIC_KEY_SERVERS } from './keyservers.ts';
import { localKey } from './local-keys.ts';
import { FAILURES_BEFORE_LOCKOUT, recordSuccess } from './lockout.ts';
import { importPgpKey, publishRevocation } from './pgp-key-changes.ts';
import { readBackup, resetPassphrase } from './recovery.ts';
import { type AccountServer, createAccountServer, serverCall } from './server.ts';
import { sessionHandlers } from './session-handlers.ts';
import { ExtensionSessionStore } from './session-store.ts';
import {
  createTransparencyService,
  type TransparencyService,
  transparencyHandlers,
} from './transparency-handlers.ts';
import { underGuard } from './unlock-guard.ts';
import { exclusiveVault, pushVault } from './vault-sync.ts';

/** The account's server with its session kept in `area` (storage.session) and sealed in IndexedDB. */
export function accountServerFor(
  records: Records,
  custody: Custody<AccountSecrets>,
  area: SessionArea = memorySessionArea(),
): AccountServer {
  const sessions = new ExtensionSessionStore(area, records, async () => {
    const s = await custody.current();
    return s ? localKey(s.identity, 'session') : null;
  });
  custody.onLock(() => {
    sessions.forgetUnsealed().catch(() => {});
  });
  return createAccountServer(records, custody, sessions);
}

export function createHandlers(
  records: Records,
  custody: Custody<AccountSecrets>,
  keyServers: KeyServerBases = PUBLIC_KEY_SERVERS,
  server: AccountServer = accountServerFor(records, custody),
  transparency: TransparencyService = createTransparencyService(records, server),
): CoreHandlers {
  let progress: Status['progress'] = null;
  /** Verification handle from the last code request, per address (never leaves the background). */
  const verifications = new Map<string, string>();
  const report = (step: string, done: number, total: number) => {
    progress = { step, done, total };
  };

  async function status(): Promise<Status> {
    const [vault, guard, settings, unlocked] = await Promise.all([
      records.vault(),
      records.guard(),
      records.settings(),
      custody.current(),
    ]);
    return {
      state: !vault ? 'none' : unlocked ? 'unlocked' : 'locked',
      address: vault?.address ?? null,
      fingerprints: vault?.fingerprints ?? null,
      lockedUntil: guard.lockedUntil,
      attemptsLeft: FAILURES_BEFORE_LOCKOUT - guard.failures,
      progress,
      serverUrl: vault?.serverUrl ?? settings.serverUrl,
    };
  }

  async function unlocked(): Promise<AccountSecrets> {
    const s = await custody.current();
    if (!s) throw new ExtensionError('locked', 'Unlock first.');
    return s;
  }

  async function vault(): Promise<VaultRecord> {
    const v = await records.vault();
    if (!v) throw new ExtensionError('no_account', 'No account on this device.');
    return v;
  }

  /** Runs one long operation at a time, with a progress report the pages poll. */
  let running = false;
  async function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (running) throw new ExtensionError('busy', 'Another operation is running.');
    running = true;
    progress = { step: 'start', done: 0, total: 1 };
    try {
      return await fn();
    } finally {
      running = false;
      progress = null;
    }
  }

  async function settingsView(): Promise<SettingsView> {
    const { serverUrl, lockTimeoutMinutes, defaultFormat, keyServers } = await records.settings();
    return { serverUrl, lockTimeoutMinutes, defaultFormat, keyServers };
  }

  async function adopt(
    record: VaultRecord,
    secrets: AccountSecrets,
    event: 'key_created' | 'key_restored' | 'passphrase_reset',
  ) {
    await records.putVault(record);
    await records.updateSettings({ serverUrl: record.serverUrl });
    await records.setGuard(recordSuccess());
    await custody.unlock(secrets);
    await server.sessions.sealHeld?.();
    await records.log(event, `${record.address} ${record.fingerprints.pgp}`);
    // Registration, restore and a reset each logged in: a new server session for this device.
    if (await server.sessions.get())
      await records.log(
        'session_new',
        `${record.address} (${event === 'key_created' ? 'register' : event === 'key_restored' ? 'restore' : 'reset'})`,
      );
  }

  /** The account's server client (its session refreshes, and logs in again only when it must). */
  async function api() {
    await unlocked();
    const record = await vault();
    return { record, api: server.api(record.serverUrl) };
  }

  return {
    ...transparencyHandlers(transparency, custody, records),
    ...contactHandlers(records, transparency, keyServers, vault),
    ...sessionHandlers(records, server, api),
    status,
    'settings.get': settingsView,
    'securityMark.get': async () => viewOf(await records.securityMark()),
    async 'securityMark.renew'() {
      const mark = viewOf(await records.renewSecurityMark());
      await records.log('security_mark_renewed', mark.names);
      return mark;
    },
    async 'settings.set'(patch) {
      await records.updateSettings(patch);
      // The account follows a moved server (same Worker under a new URL).
      const v = await records.vault();
      if (v && patch.serverUrl && patch.serverUrl !== v.serverUrl)
        await records.putVault({ ...v, serverUrl: patch.serverUrl });
      return settingsView();
    },

    async 'account.sendCode'({ serverUrl, address }) {
      const id = await startVerification(server, serverUrl, address);
      verifications.set(normalizeAddress(address), id);
      return { sentTo: address };
    },

    'account.create': (args) =>
      exclusive(async () => {
        if (await records.vault())
          throw new ExtensionError('account_exists', 'This device already has an account.');
        const verificationId = verifications.get(normalizeAddress(args.address));
        if (!verificationId) throw new ExtensionError('bad_request', 'Ask for a verification code first.');
        const { record, secrets } = await createAccount(server, { ...args, verificationId }, report);
        await adopt(record, secrets, 'key_created');
        return status();
      }),

    'account.restore': (args) =>
      exclusive(async () => {
        if (await records.vault())
          throw new ExtensionError('account_exists', 'This device already has an account.');
        const { record, secrets } = await restoreAccount(server, args, report);
        await adopt(record, secrets, 'key_restored');
        return status();
      }),

    'account.recover': ({ code, passphrase, backup, newPassphrase }) =>
      exclusive(async () => {
        const local = await records.vault();
        const source = backup !== undefined ? readBackup(backup) : local;
        if (!source) throw new ExtensionError('no_account', 'No vault on this device: pick the backup file.');
        if (backup !== undefined && local && local.address !== source.address)
          throw new ExtensionError('account_exists', 'This device has another account.');
        // The old passphrase is guessed under the same guard as unlocking, or this form would
        // be a way around the lockout; the recovery code (26 random characters) is not, so a
        // locked-out user can still use it.
        const { record, secrets, serverUpdated } =
          code !== undefined
            ? await resetPassphrase(server, source, { code }, newPassphrase, report)
            : await underGuard(records, () =>
                resetPassphrase(server, source, { passphrase: passphrase ?? '' }, newPassphrase, report),
              );
        await adopt(record, secrets, 'passphrase_reset');
        if (!serverUpdated) await records.log('passphrase_reset', 'the server still has the old passphrase');
        return { status: await status(), serverUpdated };
      }),

    async unlock({ passphrase }) {
      const record = await vault();
      const secrets = await underGuard(records, () => openVault(record, passphrase));
      await custody.unlock(secrets);
      await server.sessions.sealHeld?.();
      await records.log('unlock');
      // Self-monitoring after unlock, once a day (transparency-v1 §9.2); alarms are kept as found.
      transparency.selfCheck(secrets, false).catch((e) => console.warn('transparency self-check failed', e));
      return status();
    },

    async lock() {
      await custody.lock();
      await records.log('lock', 'on demand');
      return status();
    },

    async 'account.importKey'({ armoredKey, keyPassphrase }) {
      const { next } = await exclusiveVault(async () => {
        const out = await importPgpKey(server, await vault(), await unlocked(), armoredKey, keyPassphrase);
        await records.putVault(out.record);
        await custody.replace(out.next);
        return out;
      });
      await records.log('key_imported', next.identity.pgp.fingerprint);
      return { fingerprint: next.identity.pgp.fingerprint };
    },

    async 'identity.get'(): Promise<IdentityView> {
      const s = await unlocked();
      const record = await vault();
      const info = await readKeyInfo(s.identity.pgp.privateKey);
      const stock = await fetchPrekeyStock(server, record).catch(() => null);
      return {
        address: record.address,
        addresses: s.addresses,
        fingerprints: fingerprintsOf(s.identity),
        pgpUserIds: info.userIds.map((u) => u.raw),
        pgpCreatedAt: info.created.getTime(),
        revoked: s.identity.revoked,
        oneTimePrekeys: stock?.oneTimePrekeys ?? null,
        signedPrekeyCreatedAt: s.identity.envelope.signedPrekeys[0]?.createdAt ?? 0,
      };
    },

    async 'identity.exportPublicKey'() {
      const s = await unlocked();
      return { armored: await publicPgpKey(s.identity), fileName: `${s.identity.address}.asc` };
    },

    async 'identity.exportBackup'() {
      await unlocked();
      const record = await vault();
      return { contents: exportBackup(record), fileName: `noise-email-backup-${record.address}.json` };
    },

    async 'identity.createRecovery'() {
      const { code, record } = await exclusiveVault(async () => {
        const current = await vault();
        const made = await makeRecovery(current, await unlocked());
        // The Worker's vault must carry the recovery key too, or a restore elsewhere would drop it.
        const pushed = await serverCall(current.serverUrl, () =>
          pushVault(server.api(current.serverUrl), current, made.next),
        );
        await records.putVault(pushed.record);
        await custody.replace(pushed.secrets);
        return { code: made.code, record: pushed.record };
      });
      return { code, address: record.address, createdAt: Date.now() };
    },

    async 'identity.revoke'() {
      const { next } = await exclusiveVault(async () => {
        const out = await publishRevocation(server, await vault(), await unlocked());
        await records.putVault(out.record);
        await custody.replace(out.next);
        return out;
      });
      await records.log('key_revoked', next.identity.pgp.fingerprint);
      return { fingerprint: next.identity.pgp.fingerprint };
    },

    async 'log.list'() {
      return (await records.securityLog()).map(({ at, kind, detail }) => ({ at, kind, detail }));
    },
  };
}
