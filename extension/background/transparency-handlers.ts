// The pages' view of key transparency (docs/spec/transparency-v1.md §9.2, §9.4): status (pins,
// the last checkpoint, alarms with their evidence; answered while locked too, so an alarm is
// never hidden behind the lock), a self-check on demand, and the pins the user configures. Also
// the self-check the background runs after unlock and from the hourly upkeep, once a day.

import { fingerprintHex, identitySecretFromJson, publicIdentity } from '../../shared/envelope/index.ts';
import { cosignatureVerifier, ed25519NoteVerifier } from '../../shared/transparency/index.ts';
import type { Handlers, TransparencyView } from '../messages/protocol.ts';
import type { Records } from '../store/records.ts';
import type { TransparencyRecord } from '../store/schema.ts';
import type { AccountSecrets } from './account.ts';
import type { Custody } from './custody.ts';
import { ExtensionError } from './errors.ts';
import { createSelfMonitor, type OwnKeys, type SelfCheck } from './self-monitor.ts';
import { type AccountServer, serverCall } from './server.ts';
import { createTransparency, emptyTransparencyRecord, servedByLookup } from './transparency.ts';

type TransparencyCommands = 'transparency.status' | 'transparency.check' | 'transparency.configure';

/** The account's own keys as self-monitoring names them: its addresses, OpenPGP key, identity. */
export function ownKeysOf(secrets: AccountSecrets): OwnKeys {
  const envelope = fingerprintHex(publicIdentity(identitySecretFromJson(secrets.identity.envelope.identity)));
  return { addresses: secrets.addresses, openpgp: [secrets.identity.pgp.fingerprint], envelope: [envelope] };
}

export function transparencyViewOf(r: TransparencyRecord): TransparencyView {
  const key = r.logKey;
  const parsed = key ? ed25519NoteVerifier(key.vkey) : null;
  return {
    serverUrl: r.serverUrl,
    logKey:
      key && parsed
        ? {
            vkey: key.vkey,
            name: parsed.name,
            keyId: parsed.keyId.toString(16).padStart(8, '0'),
            source: key.source,
            pinnedAt: key.pinnedAt,
          }
        : null,
    witnessKey: r.witnessKey,
    checkpoint: r.checkpoint && { size: r.checkpoint.size, at: r.checkpoint.at },
    lastSelfCheck: r.watch?.checkedAt ?? null,
    alarms: r.alarms.map(({ kind, at, detail, evidence }) => ({ kind, at, detail, evidence })),
  };
}

export function createTransparencyService(
  records: Records,
  server: AccountServer,
  now: () => number = Date.now,
) {
  const transparency = createTransparency({ records, log: (url) => server.anonymous(url).log, now });
  const monitor = createSelfMonitor(transparency, now);

  /** The account's server, or the configured one before an account exists. */
  async function serverUrl(): Promise<string> {
    return (await records.vault())?.serverUrl ?? (await records.settings()).serverUrl;
  }

  function selfCheck(secrets: AccountSecrets, force: boolean): Promise<SelfCheck> {
    return serverUrl().then((url) =>
      monitor.check(url, server.anonymous(url).log, ownKeysOf(secrets), { force }),
    );
  }

  /**
   * The key the directory binds to `address` once its proof verifies (§9.1), with the time the
   * log recorded it; null when there is none. A failed proof throws `transparency_failed`.
   */
  async function directoryKey(
    url: string,
    address: string,
  ): Promise<{ armoredKey: string; loggedAt: number } | null> {
    const found = await serverCall(url, () => server.anonymous(url).directory.lookupByEmail(address));
    if (!found) return null;
    const logged = await transparency.verifyAnswer(url, servedByLookup(address, found), found.transparency);
    return { armoredKey: found.openpgpKey, loggedAt: logged.keyLoggedAt };
  }

  return { transparency, serverUrl, selfCheck, directoryKey };
}

export type TransparencyService = ReturnType<typeof createTransparencyService>;

export function transparencyHandlers(
  service: TransparencyService,
  custody: Custody<AccountSecrets>,
  records: Records,
): Pick<Handlers, TransparencyCommands> {
  const { transparency } = service;
  const view = async () => transparencyViewOf(await transparency.load(await service.serverUrl()));
  return {
    'transparency.status': view,
    async 'transparency.check'() {
      const secrets = await custody.current();
      if (!secrets) throw new ExtensionError('locked', 'Unlock first.');
      await service.selfCheck(secrets, true);
      return view();
    },
    async 'transparency.configure'({ logKey, witnessKey }) {
      const url = await service.serverUrl();
      try {
        if (logKey) ed25519NoteVerifier(logKey);
        if (witnessKey) cosignatureVerifier(witnessKey);
      } catch {
        throw new ExtensionError('bad_request', 'Not a verifier key (name+keyid+base64).');
      }
      await transparency.update(url, async (r) => {
        let next = r;
        if (logKey !== undefined && logKey !== r.logKey?.vkey) {
          // Another log key is another log: what was checked against the old one starts over.
          const fresh = emptyTransparencyRecord(url);
          next = {
            ...fresh,
            witnessKey: r.witnessKey,
            alarms: r.alarms,
            logKey: logKey ? { vkey: logKey, source: 'configured', pinnedAt: Date.now() } : null,
          };
          await records.log('transparency_log_pinned', `${url}: ${logKey ?? 'unpinned'} (configured)`);
        }
        if (witnessKey !== undefined) next = { ...next, witnessKey };
        return { record: next, value: undefined };
      });
      return view();
    },
  };
}
