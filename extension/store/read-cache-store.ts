// The read cache's entries in IndexedDB (docs/spec/read-cache-v1.md §5): entry id → sealed entry.
import type { ReadCacheStore } from '../../shared/read-cache/index.ts';
import type { Database } from './db.ts';

export function readCacheStore(db: Database): ReadCacheStore {
  return {
    get: (id) => db.get('readCache', id),
    put: async (id, entry) => {
      await db.put('readCache', entry, id);
    },
    delete: (id) => db.delete('readCache', id),
  };
}
