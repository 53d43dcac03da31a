// The extension's IndexedDB database (through idb) with append-only, versioned migrations.
// Each migration upgrades from exactly the version before it; opening runs every step between
// the stored version and DB_VERSION in order, so any earlier database upgrades cleanly.

import { type DBSchema, type IDBPDatabase, type IDBPTransaction, openDB } from 'idb';
import type { SecurityMark } from '../overlay/security-mark.ts';
import type {
  ContactRecord,
  GuardRecord,
  InboxPollRecord,
  InboxRotationRecord,
  InboxSearchRow,
  InboxSettings,
  OpenedEnvelopeRow,
  SealedSessionRecord,
  SecurityEvent,
  Settings,
  TransparencyRecord,
  VaultRecord,
} from './schema.ts';

export const DB_NAME = 'noise-email';

export interface NoiseDB extends DBSchema {
  vault: { key: 'self'; value: VaultRecord };
  /**
   * Key-value: 'settings' → Settings, 'guard' → GuardRecord, 'securityMark' → SecurityMark,
   * 'session' → SealedSessionRecord (the server session, sealed under a key from the vault),
   * 'inboxPoll', 'inboxSettings', 'inboxRotation' → the inbox's records (inbox-records.ts),
   * 'transparency:<server URL>' → TransparencyRecord.
   */
  meta: {
    key: string;
    value:
      | Settings
      | GuardRecord
      | SecurityMark
      | SealedSessionRecord
      | InboxPollRecord
      | InboxSettings
      | InboxRotationRecord
      | TransparencyRecord;
  };
  contacts: { key: string; value: ContactRecord; indexes: { fingerprint: string } };
  securityLog: { key: number; value: SecurityEvent; indexes: { at: number } };
  /** envelope-v1 §4.5: the envelopes this device opened, by keyed hash of their id. */
  opened: { key: string; value: OpenedEnvelopeRow; indexes: { oneTimePrekeyId: number } };
  /** read-cache-v1 entries (docs/spec/read-cache-v1.md): entry id → sealed entry. */
  readCache: { key: string; value: Uint8Array };
  /**
   * The inbox's local search source (background/inbox/search-store.ts): read-cache-v1 entries
   * under a key from the inbox key that sealed them (its id in hex), by entry id.
   */
  inboxSearch: { key: string; value: InboxSearchRow };
}

type StoreName = 'vault' | 'meta' | 'contacts' | 'securityLog' | 'opened' | 'readCache' | 'inboxSearch';
type UpgradeTx = IDBPTransaction<NoiseDB, StoreName[], 'versionchange'>;
type Migration = (db: IDBPDatabase<NoiseDB>, tx: UpgradeTx) => Promise<void> | void;

// Untyped handle for stores that later versions rename or drop.
// biome-ignore lint/suspicious/noExplicitAny: earlier schemas are not part of NoiseDB
type AnyDB = IDBPDatabase<any>;

/** MIGRATIONS[i] upgrades version i to version i + 1. Append only; never edit a shipped step. */
export const MIGRATIONS: Migration[] = [
  // v1: the wrapped vault and a settings record.
  (db) => {
    db.createObjectStore('vault', { keyPath: 'id' });
    (db as unknown as AnyDB).createObjectStore('settings');
  },
  // v2: contacts (by address, indexed by fingerprint) and the security log.
  (db) => {
    const contacts = db.createObjectStore('contacts', { keyPath: 'address' });
    contacts.createIndex('fingerprint', 'fingerprint');
    const log = db.createObjectStore('securityLog', { keyPath: 'id', autoIncrement: true });
    log.createIndex('at', 'at');
  },
  // v3: 'settings' becomes the general 'meta' store so the unlock guard (failure counter)
  // lives on disk beside it; the settings record moves over unchanged.
  async (db, tx) => {
    db.createObjectStore('meta');
    const anyTx = tx as unknown as IDBPTransaction<unknown, string[], 'versionchange'>;
    const old = (await anyTx.objectStore('settings').get('settings')) as Settings | undefined;
    if (old) await tx.objectStore('meta').put(old, 'settings');
    (db as unknown as AnyDB).deleteObjectStore('settings');
  },
  // v4: the replay ledger of opened envelopes and the read cache of their kept copies
  // (envelope-v1 §4.5–4.6); the sealed server session lives in 'meta'.
  (db) => {
    const opened = db.createObjectStore('opened', { keyPath: 'id' });
    opened.createIndex('oneTimePrekeyId', 'oneTimePrekeyId');
    db.createObjectStore('readCache');
  },
  // v5: the inbox's local search source, sealed under keys from the inbox keys.
  (db) => {
    db.createObjectStore('inboxSearch');
  },
];

export const DB_VERSION = MIGRATIONS.length;

export type Database = IDBPDatabase<NoiseDB>;

/** Opens (and if needed upgrades) the database. `upTo` exists for migration tests. */
export function openDatabase(name = DB_NAME, upTo = DB_VERSION): Promise<Database> {
  return openDB<NoiseDB>(name, upTo, {
    upgrade(db, oldVersion, newVersion, tx) {
      // idb does not await the upgrade callback; chaining keeps the steps ordered inside
      // the one versionchange transaction, which stays open while requests are pending.
      let chain: Promise<void> = Promise.resolve();
      for (let v = oldVersion; v < (newVersion ?? upTo); v++) {
        const step = MIGRATIONS[v];
        if (!step) throw new Error(`no migration from version ${v}`);
        chain = chain.then(() => step(db, tx));
      }
      chain.catch((e) => {
        console.error('migration failed', e);
        tx.abort();
      });
    },
  });
}
