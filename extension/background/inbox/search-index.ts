// Local search over the opened messages of the inbox: sender, subject and text, with MiniSearch
// (prefix and fuzzy matching, subject and sender weighted up). The index lives in the background's
// memory while unlocked, built from the sealed source (search-store.ts) on first use and dropped
// at lock; nothing of it is written anywhere.

import MiniSearch from 'minisearch';
import type { InboxKeyring } from './keyring.ts';
import { MAX_TEXT_CHARS, type SearchDoc, type SearchStore } from './search-store.ts';

export interface SearchHit {
  address: string;
  id: string;
  from: string;
  subject: string;
  date: number;
}

type Indexed = SearchDoc & { key: string };

const keyOf = (address: string, id: string) => `${address.toLowerCase()}/${id}`;

/** The index alone, over documents in memory (the bench and tests build it directly). */
export function newSearchIndex(): MiniSearch<Indexed> {
  return new MiniSearch<Indexed>({
    idField: 'key',
    fields: ['from', 'subject', 'text'],
    storeFields: ['address', 'id', 'from', 'subject', 'date'],
    searchOptions: { prefix: true, fuzzy: 0.2, boost: { subject: 2, from: 2 }, combineWith: 'AND' },
  });
}

export function indexed(doc: SearchDoc): Indexed {
  return { ...doc, text: doc.text.slice(0, MAX_TEXT_CHARS), key: keyOf(doc.address, doc.id) };
}

export function searchIn(index: MiniSearch<Indexed>, query: string, limit: number): SearchHit[] {
  const q = query.trim();
  if (!q) return [];
  return index
    .search(q)
    .slice(0, limit)
    .map((r) => ({
      address: r.address as string,
      id: r.id as string,
      from: r.from as string,
      subject: r.subject as string,
      date: r.date as number,
    }));
}

export class InboxSearch {
  private index: Promise<MiniSearch<Indexed>> | null = null;

  constructor(
    private readonly store: SearchStore,
    private readonly ring: () => Promise<InboxKeyring>,
  ) {}

  private loaded(): Promise<MiniSearch<Indexed>> {
    if (!this.index) {
      const building = (async () => {
        const index = newSearchIndex();
        await this.store.forEach(await this.ring(), (doc) => index.add(indexed(doc)));
        return index;
      })();
      // A failed build (locked half-way) is tried again next time.
      building.catch(() => {
        if (this.index === building) this.index = null;
      });
      this.index = building;
    }
    return this.index;
  }

  /** Keeps an opened message: sealed at rest, and in the index if it is built. */
  async add(doc: SearchDoc): Promise<void> {
    await this.store.put(await this.ring(), doc);
    if (!this.index) return;
    const index = await this.index;
    const key = keyOf(doc.address, doc.id);
    if (index.has(key)) index.discard(key);
    index.add(indexed(doc));
  }

  async remove(address: string, id: string): Promise<void> {
    await this.store.remove(await this.ring(), address, id);
    if (!this.index) return;
    const index = await this.index;
    const key = keyOf(address, id);
    if (index.has(key)) index.discard(key);
  }

  /** A released inbox: its messages leave the source and the index. */
  async removeAddress(address: string): Promise<void> {
    const gone = address.toLowerCase();
    const ids: string[] = [];
    await this.store.forEach(await this.ring(), (d) => {
      if (d.address.toLowerCase() === gone) ids.push(d.id);
    });
    for (const id of ids) await this.remove(gone, id);
  }

  async search(query: string, limit = 50): Promise<SearchHit[]> {
    return searchIn(await this.loaded(), query, limit);
  }

  /** At lock: the index goes with the keys. */
  clear(): void {
    this.index = null;
  }
}
