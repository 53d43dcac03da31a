// The background's command handlers: lock state, unlock with lockout, account creation and
// restore, identity, contacts, settings and the security log. Private keys stay in here.

import { normalizeAddress } from '../../shared/address.ts';
import type { CoreHandlers, IdentityView, SettingsView, Status } from '../messages/protocol.ts';
import { viewOf } from '../overlay/security-mark.ts';
import type { Records } from '../store/records.ts';
import type { VaultRecord } from '../store/schema.ts';
import {
  type AccountSecrets,
  createAccount,
  exportBackup,
  fetchPrekeyStock,
  importPgpKey,
  makeRecovery,
  openVault,
  publishRevocation,
  restoreAccount,
  startVerification,
} from './account.ts';
import { acceptKeyChange, contactsNamed, contactView, observeKey, verifyContact } from './contacts.ts';
import { type Custody, memorySessionArea, type SessionArea } from './custody.ts';
import { ExtensionError } from './errors.ts';
import { fingerprintsOf, publicPgpKey, readKeyInfo } from './identity.ts';
import { type KeyServerBases, lookupKeyServers, PUBLIC_KEY_SERVERS } from './keyservers.ts';
import { localKey } from './local-keys.ts';
import { FAILURES_BEFORE_LOCKOUT, recordFailure, recordSuccess, remainingLockout } from './lockout.ts';
import { readBackup, resetPassphrase } from './recovery.ts';
import { type AccountServer, createAccountServer, serverCall } from './server.ts';
import { ExtensionSessionStore } from './session-store.ts';
import {
  createTransparencyService,
  type TransparencyService,
  transparencyHandlers,
} from './transparency-handlers.ts';
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

  /**
   * Runs a passphrase check under the unlock guard: refused while locked out; a wrong passphrase
   * counts toward the lockout (logged), a right one clears the count.
   */
  async function underGuard<T>(check: () => Promise<T>): Promise<T> {
    const guard = await records.guard();
    const now = Date.now();
    if (remainingLockout(guard, now) > 0) {
      throw new ExtensionError('locked_out', 'Too many wrong passphrases.', { until: guard.lockedUntil });
    }
    let out: T;
    try {
      out = await check();
    } catch (e) {
      if (!(e instanceof ExtensionError && e.code === 'bad_passphrase')) throw e;
      const next = recordFailure(guard, Date.now());
      await records.setGuard(next);
      await records.log('unlock_failed', `attempt ${guard.failures + 1}`);
      if (next.lockedUntil > now) {
        await records.log('lockout', `until ${new Date(next.lockedUntil).toISOString()}`);
        throw new ExtensionError('locked_out', 'Too many wrong passphrases.', { until: next.lockedUntil });
      }
      throw new ExtensionError('bad_passphrase', 'Wrong passphrase.', {
        attemptsLeft: FAILURES_BEFORE_LOCKOUT - next.failures,
      });
    }
    await records.setGuard(recordSuccess());
    return out;
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
            : await underGuard(() =>
                resetPassphrase(server, source, { passphrase: passphrase ?? '' }, newPassphrase, report),
              );
        await adopt(record, secrets, 'passphrase_reset');
        if (!serverUpdated) await records.log('passphrase_reset', 'the server still has the old passphrase');
        return { status: await status(), serverUpdated };
      }),

    async unlock({ passphrase }) {
      const record = await vault();
      const secrets = await underGuard(() => openVault(record, passphrase));
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

    async 'contacts.list'() {
      return (await records.contacts()).map(contactView);
    },

    async 'contacts.byName'({ name }) {
      return contactsNamed(await records.contacts(), name);
    },

    async 'contacts.lookup'({ address }) {
      const record = await vault();
      let found: Awaited<ReturnType<TransparencyService['directoryKey']>> = null;
      let failure: unknown = null;
      try {
        found = await transparency.directoryKey(record.serverUrl, address);
      } catch (e) {
        // A key our directory served without a valid proof is refused, never replaced by another.
        if (e instanceof ExtensionError && e.code.startsWith('transparency_')) throw e;
        failure = e;
      }
      if (found)
        return contactView(
          await observeKey(records, address, found.armoredKey, 'directory', Date.now(), found.loggedAt),
        );
      // Our directory has no answer: with the setting on, ask WKD, then keys.openpgp.org.
      if ((await records.settings()).keyServers) {
        const outside = await lookupKeyServers(address, keyServers);
        if (outside)
          return contactView(await observeKey(records, address, outside.armoredKey, outside.source));
      }
      if (failure) throw failure;
      throw new ExtensionError('not_found', `No key found for ${address}.`);
    },

    async 'contacts.import'({ armoredKey }) {
      const info = await readKeyInfo(armoredKey).catch(() => {
        throw new ExtensionError('invalid_key', 'This is not a readable OpenPGP key.');
      });
      const address = info.userIds.find((u) => u.email)?.email;
      if (!address) throw new ExtensionError('invalid_key', 'The key has no email address in its user IDs.');
      return contactView(await observeKey(records, address, armoredKey, 'manual'));
    },

    async 'contacts.remove'({ address }) {
      return { removed: await records.removeContact(address) };
    },

    async 'contacts.verify'({ address, fingerprint }) {
      return contactView(await verifyContact(records, address, fingerprint));
    },

    async 'contacts.acceptChange'({ address }) {
      return contactView(await acceptKeyChange(records, address));
    },

    async 'sessions.list'() {
      const { record, api: client } = await api();
      return (await serverCall(record.serverUrl, () => client.sessions.list())).map((x) => ({ ...x }));
    },

    async 'sessions.revoke'({ id }) {
      const { record, api: client } = await api();
      const target = (await serverCall(record.serverUrl, () => client.sessions.list())).find(
        (x) => x.id === id,
      );
      if (!target) throw new ExtensionError('not_found', 'No such session.');
      await serverCall(record.serverUrl, () => client.sessions.revoke(id));
      // Revoking this device's own session: the stored tokens are dead; the next call logs in.
      if (target.current) await server.sessions.set(undefined);
      await records.log('session_revoked', `${target.deviceName}${target.current ? ' (this device)' : ''}`);
      return { revoked: id };
    },

    async 'sessions.logout'() {
      const { record, api: client } = await api();
      if (!(await server.sessions.get())) return { loggedOut: false };
      await serverCall(record.serverUrl, () => client.logout());
      await records.log('logout', record.address);
      return { loggedOut: true };
    },

    async 'log.list'() {
      return (await records.securityLog()).map(({ at, kind, detail }) => ({ at, kind, detail }));
    },
  };
}
