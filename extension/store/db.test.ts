import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, MIGRATIONS, openDatabase } from './db.ts';
import type { Settings, VaultRecord } from './schema.ts';

const settings: Settings = {
  serverUrl: 'http://127.0.0.1:8787',
  lockTimeoutMinutes: 12,
  defaultFormat: 'pgp',
  keyServers: false,
};
const vault: VaultRecord = {
  id: 'self',
  address: 'ada@example.org',
  serverUrl: 'http://127.0.0.1:8787',
  blob: 'c2VhbGVk',
  version: 3,
  fingerprints: { pgp: 'AA', envelope: 'BB' },
  updatedAt: 1,
};

let n = 0;
const fresh = () => `noise-test-${n++}`;

/** Writes the data each version could hold, so upgrades must carry it forward. */
async function seed(name: string, version: number): Promise<void> {
  const db = await openDatabase(name, version);
  const raw = db as unknown as import('idb').IDBPDatabase;
  if (version >= 1) await raw.put('vault', vault);
  if (version >= 1 && version < 3) await raw.put('settings', settings, 'settings');
  if (version >= 3) await raw.put('meta', settings, 'settings');
  if (version >= 2) {
    await raw.put('contacts', {
      address: 'bob@example.org',
      fingerprint: 'CC',
      armoredKey: 'k',
      source: 'manual',
      firstSeen: 1,
      lastUsed: null,
      verified: false,
    });
    await raw.add('securityLog', { at: 5, kind: 'unlock', detail: '' });
  }
  db.close();
}

describe('IndexedDB migrations', () => {
  it('has one migration per version', () => {
    expect(DB_VERSION).toBe(MIGRATIONS.length);
    expect(DB_VERSION).toBeGreaterThanOrEqual(3);
  });

  for (let from = 0; from < DB_VERSION; from++) {
    it(`upgrades from version ${from} to ${DB_VERSION} keeping data`, async () => {
      const name = fresh();
      if (from > 0) await seed(name, from);
      const db = await openDatabase(name);
      expect(db.version).toBe(DB_VERSION);
      expect([...db.objectStoreNames].sort()).toEqual([
        'contacts',
        'inboxSearch',
        'meta',
        'opened',
        'readCache',
        'securityLog',
        'vault',
      ]);
      if (from >= 1) {
        expect(await db.get('vault', 'self')).toEqual(vault);
        expect(await db.get('meta', 'settings')).toEqual(settings);
      }
      if (from >= 2) {
        expect((await db.get('contacts', 'bob@example.org'))?.fingerprint).toBe('CC');
        expect(await db.getAllFromIndex('contacts', 'fingerprint', 'CC')).toHaveLength(1);
        expect(await db.count('securityLog')).toBe(1);
      }
      // The upgraded database works for new writes.
      await db.add('securityLog', { at: 6, kind: 'lock', detail: '' });
      expect(await db.getAllFromIndex('securityLog', 'at')).toHaveLength(from >= 2 ? 2 : 1);
      db.close();
    });
  }

  it('refuses to open a newer database with an older schema', async () => {
    const name = fresh();
    const newer = await openDB(name, DB_VERSION + 1);
    newer.close();
    await expect(openDatabase(name)).rejects.toThrow();
  });
});
