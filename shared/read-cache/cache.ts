// A read cache over any key-value store of sealed entries (docs/spec/read-cache-v1.md): the
// extension keeps one in IndexedDB for envelopes it opened (their one-time prekeys are gone, so
// the copy is the only way to show them again); the inbox can keep decrypted mail the same way.

import { entryId, openEntry, sealEntry } from './entry.ts';

/** Where the sealed entries live; it never sees a key or a lookup value. */
export interface ReadCacheStore {
  get(id: string): Promise<Uint8Array | undefined>;
  put(id: string, entry: Uint8Array): Promise<void>;
  delete(id: string): Promise<void>;
}

export class ReadCache {
  constructor(
    private readonly cacheKey: Uint8Array,
    private readonly store: ReadCacheStore,
  ) {}

  /** The payload kept for `lookup`, or null; an entry that fails to open throws (never a silent miss). */
  async get(lookup: Uint8Array): Promise<Uint8Array | null> {
    const id = entryId(this.cacheKey, lookup);
    const entry = await this.store.get(id);
    return entry ? openEntry(this.cacheKey, id, entry) : null;
  }

  async put(lookup: Uint8Array, payload: Uint8Array): Promise<void> {
    const id = entryId(this.cacheKey, lookup);
    await this.store.put(id, await sealEntry(this.cacheKey, id, payload));
  }

  async delete(lookup: Uint8Array): Promise<void> {
    await this.store.delete(entryId(this.cacheKey, lookup));
  }
}
