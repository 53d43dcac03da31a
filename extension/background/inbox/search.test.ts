// The local search: its source sealed at rest under a key from the inbox key (no word of a mail in
// the store), built into an in-memory index that finds by sender, subject and text (prefix and
// fuzzy), moved to a new key by a rotation, and emptied of a released inbox's mail.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/db.ts';
import { currentInboxKey, newInboxKeyring, rotateInboxKeyring } from './keyring.ts';
import { InboxSearch } from './search-index.ts';
import { type SearchDoc, SearchStore } from './search-store.ts';

let n = 0;
const fresh = async () => openDatabase(`search-test-${++n}-${Date.now()}`);

const doc = (id: string, extra: Partial<SearchDoc> = {}): SearchDoc => ({
  address: 'ada@noise.localhost',
  id: id.padEnd(22, 'A'),
  from: 'Dave <dave@webmail.localhost>',
  subject: 'Quarterly figures',
  date: 1_700_000_000_000,
  text: 'Hello Ada, the numbers are in the attachment.',
  ...extra,
});

describe('inbox search source', () => {
  it('keeps no plaintext at rest and opens again with the ring', async () => {
    const db = await fresh();
    const store = new SearchStore(db);
    const ring = newInboxKeyring();
    await store.put(ring, doc('a', { text: 'CANARY-search-at-rest' }));
    const rows = await db.getAll('inboxSearch');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.keyId).toBe(currentInboxKey(ring).id);
    const raw =
      Buffer.from(rows[0]!.entry).toString('latin1') + JSON.stringify(await db.getAllKeys('inboxSearch'));
    for (const word of ['CANARY', 'Quarterly', 'dave@', 'ada@', 'AAAA']) expect(raw).not.toContain(word);
    const seen: SearchDoc[] = [];
    expect(await store.forEach(ring, (d) => seen.push(d))).toEqual({ unreadable: 0 });
    expect(seen.map((d) => d.text)).toEqual(['CANARY-search-at-rest']);
    // Another vault's ring opens nothing (and says so).
    expect(await store.forEach(newInboxKeyring(), () => {})).toEqual({ unreadable: 1 });
  });

  it('a rotation re-seals every entry under the new key; the old copies go', async () => {
    const store = new SearchStore(await fresh());
    const ring = newInboxKeyring(1);
    for (const id of ['a', 'b', 'c']) await store.put(ring, doc(id));
    const rotated = rotateInboxKeyring(ring, 2);
    expect(await store.staleCount(rotated)).toBe(3);
    expect(await store.reseal(rotated)).toBe(3);
    expect(await store.staleCount(rotated)).toBe(0);
    const ids: string[] = [];
    await store.forEach(rotated, (d) => ids.push(d.id[0]!));
    expect(ids.sort()).toEqual(['a', 'b', 'c']);
  });

  it('finds by sender, subject and text with prefixes and typos; removal and release take mail out', async () => {
    const db = await fresh();
    const ring = newInboxKeyring();
    const search = new InboxSearch(new SearchStore(db), async () => ring);
    await search.add(doc('a'));
    await search.add(
      doc('b', { from: 'Erin <erin@sq.example>', subject: 'Lunch', text: 'Falafel on Friday?' }),
    );
    await search.add(
      doc('c', { address: 'ada2@noise.localhost', subject: 'Other inbox', text: 'falafel too' }),
    );
    const ids = async (q: string) => (await search.search(q)).map((h) => h.id[0]).sort();
    expect(await ids('erin')).toEqual(['b']);
    expect(await ids('quarter')).toEqual(['a']);
    expect(await ids('falafl')).toEqual(['b', 'c']);
    expect(await ids('')).toEqual([]);
    await search.remove('ada@noise.localhost', doc('b').id);
    expect(await ids('falafel')).toEqual(['c']);
    await search.removeAddress('ada2@noise.localhost');
    expect(await ids('falafel')).toEqual([]);
    // Dropped at lock, built again from the sealed source.
    search.clear();
    expect(await ids('quarterly')).toEqual(['a']);
  });
});
