// The inbox's local search source at rest: what the index needs of each opened message (sender,
// subject, date, text), sealed as read-cache-v1 entries (docs/spec/read-cache-v1.md) under a
// search key derived from an inbox key. The store sees entry ids (HMACs of address and message
// id) and sealed entries, never a word of the mail; each row names the inbox key that sealed it,
// so a rotation can move rows to the new key (reseal) and nothing opens without the vault.

import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { fromUtf8, utf8 } from '../../../shared/encoding.ts';
import { entryId, openEntry, sealEntry } from '../../../shared/read-cache/index.ts';
import type { Database } from '../../store/db.ts';
import { currentInboxKey, type InboxKey, type InboxKeyring, inboxKeys } from './keyring.ts';

/** HKDF info of the search key (read-cache-v1 §1: the cache key comes from the vault). */
export const LABEL_SEARCH_KEY = 'noise.email/extension/inbox-search-key/v1';
/** The text kept per message: its first 16 Ki characters, which bounds the store and the index. */
export const MAX_TEXT_CHARS = 16 * 1024;

export const SearchDoc = z.strictObject({
  address: z.string().max(320),
  id: z.string().max(64),
  /** The sender as shown: "Name <address>" or the address. */
  from: z.string().max(700),
  subject: z.string().max(998),
  /** Unix ms of the Date header, else of arrival. */
  date: z.number().int(),
  text: z.string().max(MAX_TEXT_CHARS),
});
export type SearchDoc = z.infer<typeof SearchDoc>;

function searchKey(key: InboxKey): Uint8Array {
  return hkdf(sha256, key.key, new Uint8Array(0), utf8(LABEL_SEARCH_KEY), 32);
}

const lookupOf = (address: string, id: string) => utf8(`${address.toLowerCase()}\n${id}`);

export class SearchStore {
  constructor(private readonly db: Database) {}

  /** Seals `doc` under the current inbox key; a copy under an older key goes. */
  async put(ring: InboxKeyring, doc: SearchDoc): Promise<void> {
    const current = currentInboxKey(ring);
    const key = searchKey(current);
    const id = entryId(key, lookupOf(doc.address, doc.id));
    const entry = await sealEntry(key, id, utf8(JSON.stringify(SearchDoc.parse(doc))));
    key.fill(0);
    await this.db.put('inboxSearch', { keyId: current.id, entry }, id);
    for (const older of inboxKeys(ring).slice(1))
      await this.db.delete('inboxSearch', this.idUnder(older, doc));
  }

  /** Removes the message's entry under every key of the ring. */
  async remove(ring: InboxKeyring, address: string, id: string): Promise<void> {
    for (const k of inboxKeys(ring)) await this.db.delete('inboxSearch', this.idUnder(k, { address, id }));
  }

  /**
   * Hands every entry this ring opens to `each`, one at a time (the plaintext of all of them is
   * never held at once). Entries under a key the ring lacks, or that fail to open, are counted.
   */
  async forEach(ring: InboxKeyring, each: (doc: SearchDoc) => void): Promise<{ unreadable: number }> {
    const keys = new Map(inboxKeys(ring).map((k) => [k.id, searchKey(k)]));
    const ids = (await this.db.getAllKeys('inboxSearch')) as string[];
    let unreadable = 0;
    for (const id of ids) {
      const row = await this.db.get('inboxSearch', id);
      const key = row ? keys.get(row.keyId) : undefined;
      try {
        if (!row || !key) throw new Error('no key');
        each(SearchDoc.parse(JSON.parse(fromUtf8(await openEntry(key, id, row.entry)))));
      } catch {
        unreadable++;
      }
    }
    for (const k of keys.values()) k.fill(0);
    return { unreadable };
  }

  /** How many entries are sealed under a key other than the ring's current one. */
  async staleCount(ring: InboxKeyring): Promise<number> {
    const current = currentInboxKey(ring).id;
    return (await this.db.getAll('inboxSearch')).filter((r) => r.keyId !== current).length;
  }

  /** Rotation: every entry re-sealed under the current key. */
  async reseal(ring: InboxKeyring): Promise<number> {
    if ((await this.staleCount(ring)) === 0) return 0;
    const docs: SearchDoc[] = [];
    await this.forEach(ring, (d) => docs.push(d));
    for (const doc of docs) await this.put(ring, doc);
    return docs.length;
  }

  async clear(): Promise<void> {
    await this.db.clear('inboxSearch');
  }

  private idUnder(k: InboxKey, doc: { address: string; id: string }): string {
    const key = searchKey(k);
    const id = entryId(key, lookupOf(doc.address, doc.id));
    key.fill(0);
    return id;
  }
}
