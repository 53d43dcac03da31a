// Custody of the envelope prekeys on the read path (docs/spec/envelope-v1.md §2.4, §4.5–4.6):
// what one read of an envelope needs, as the RecipientKeys and OpenOptions that shared/envelope
// (and the shared reader) take. Opening records the envelope in the replay ledger, which deletes
// its one-time prekey from the unlocked secrets and from the local vault at once (tombstoned, so
// no merge brings it back) and schedules the vault push; the plaintext is kept first, sealed in
// the read cache, so the message can be shown again. The same envelope in another message of the
// webmail is a second delivery and is refused.

import { concatBytes, utf8 } from '../../shared/encoding.ts';
import {
  decodeKeptCopy,
  encodeKeptCopy,
  identitySecretFromJson,
  type KeptCopies,
  type OpenOptions,
  oneTimePrekeySecretFromJson,
  type RecipientKeys,
  signedPrekeySecretFromJson,
} from '../../shared/envelope/index.ts';
import { ReadCache } from '../../shared/read-cache/index.ts';
import type { Database } from '../store/db.ts';
import { readCacheStore } from '../store/read-cache-store.ts';
import type { Records } from '../store/records.ts';
import { type AccountSecrets, secretsOf } from './account.ts';
import type { Custody } from './custody.ts';
import { consumeOneTimePrekey, type IdentitySecrets } from './identity.ts';
import { localKey } from './local-keys.ts';
import { ReplayLedger } from './replay-ledger.ts';
import { exclusiveVault, saveLocally, vaultContentsOf } from './vault-sync.ts';

export interface EnvelopeReading {
  keys: RecipientKeys;
  options: OpenOptions;
}

export interface PrekeyCustodyDeps {
  db: Database;
  records: Records;
  custody: Custody<AccountSecrets>;
  /** Pushes the local vault to the Worker soon (best effort; upkeep retries); may return its run. */
  syncSoon(): unknown;
  now?: () => number;
}

/** The private keys of this device as envelope-v1 names them; one-time prekeys looked up by id. */
export function recipientKeysOf(
  identity: IdentitySecrets,
  oneTimePrekey: (id: number) => Promise<IdentitySecrets['envelope']['oneTimePrekeys'][number] | undefined>,
): RecipientKeys {
  return {
    address: identity.address,
    deviceId: '',
    identity: identitySecretFromJson(identity.envelope.identity),
    signedPrekeys: identity.envelope.signedPrekeys.map(signedPrekeySecretFromJson),
    oneTimePrekeys: async (id) => {
      const held = await oneTimePrekey(id);
      return held ? oneTimePrekeySecretFromJson(held) : null;
    },
  };
}

/** The one-time prekey `id` leaves a copy of the secrets; the same object when it was not there. */
function without(secrets: AccountSecrets, id: number): AccountSecrets {
  const e = secrets.identity.envelope;
  if (!e.oneTimePrekeys.some((o) => o.id === id) && e.consumedOneTimePrekeys.includes(id)) return secrets;
  return { ...secrets, identity: consumeOneTimePrekey(secrets.identity, id) };
}

export function createPrekeyCustody(deps: PrekeyCustodyDeps) {
  const now = deps.now ?? Date.now;

  const pending = new Set<Promise<unknown>>();

  /** §2.4: deletes the one-time prekey from memory, storage.session and the local vault. */
  function consume(snapshot: AccountSecrets, id: number): void {
    const done = deleteEverywhere(snapshot, id)
      .then(() => deps.syncSoon())
      .catch((e) => console.warn('one-time prekey deletion failed; upkeep will sweep it', e))
      .finally(() => pending.delete(done));
    pending.add(done);
  }

  async function deleteEverywhere(snapshot: AccountSecrets, id: number): Promise<void> {
    await exclusiveVault(async () => {
      const current = await deps.custody.current();
      if (current) {
        const next = without(current, id);
        if (next !== current) await deps.custody.replace(next);
      }
      // The local vault is read back rather than rewritten from memory, so a change another
      // writer sealed meanwhile is kept; the snapshot gives the keys (valid while locked too).
      const record = await deps.records.vault();
      if (!record) return;
      const contents = await vaultContentsOf(record.blob, snapshot, record.address);
      const stored = secretsOf(contents, snapshot);
      const next = without(stored, id);
      if (next !== stored) await deps.records.putVault(await saveLocally(record, next));
    });
  }

  function ledgerOf(secrets: AccountSecrets): ReplayLedger {
    return new ReplayLedger(
      deps.db,
      localKey(secrets.identity, 'replay-ledger'),
      (id) => consume(secrets, id),
      now,
    );
  }

  /** §4.6: kept copies in the read cache, found by the envelope's digest and the message carrying it. */
  function keptCopies(secrets: AccountSecrets, delivery: string | null): KeptCopies {
    const cache = new ReadCache(localKey(secrets.identity, 'read-cache'), readCacheStore(deps.db));
    const lookup = (digest: Uint8Array) => concatBytes(digest, utf8(delivery ?? ''));
    return {
      async get(digest) {
        const payload = await cache.get(lookup(digest));
        return payload ? decodeKeptCopy(payload) : null;
      },
      put: (digest, copy) => cache.put(lookup(digest), encodeKeptCopy(copy)),
    };
  }

  return {
    /**
     * Keys and options for opening one envelope. `delivery` is the webmail's id of the message
     * that carries it (null when the page shows none): a re-read is the same envelope in the same
     * message; the same envelope anywhere else is refused as a replay.
     */
    reading(
      secrets: AccountSecrets,
      read: { delivery: string | null; senderFingerprint: string | null },
    ): EnvelopeReading {
      return {
        // One-time prekeys are looked up at open time: one another read just used is gone already.
        keys: recipientKeysOf(secrets.identity, async (id) =>
          ((await deps.custody.current()) ?? secrets).identity.envelope.oneTimePrekeys.find(
            (o) => o.id === id,
          ),
        ),
        options: {
          replayStore: ledgerOf(secrets),
          keptCopies: keptCopies(secrets, read.delivery),
          ...(read.senderFingerprint ? { senderFingerprint: read.senderFingerprint } : {}),
          now,
        },
      };
    },

    /** Resolves once every deletion started so far is done (and its push was scheduled). */
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },

    /**
     * The secrets without any one-time prekey the ledger says an opened envelope used (a crash
     * between recording and deleting, or a copy from another device that has not synced yet).
     */
    async sweep(secrets: AccountSecrets): Promise<AccountSecrets> {
      const used = await ledgerOf(secrets).usedOneTimePrekeys();
      return used.reduce(without, secrets);
    },
  };
}

export type PrekeyCustody = ReturnType<typeof createPrekeyCustody>;
