import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isSecurityMark } from '../overlay/security-mark.ts';
import { openDatabase } from './db.ts';
import { defaultSettings, Records } from './records.ts';

let n = 0;
const open = async () => new Records(await openDatabase(`noise-records-${n++}`), defaultSettings(true));

describe('Records: security mark', () => {
  it('draws the mark once and keeps it across reopenings of the database', async () => {
    const name = `noise-records-${n++}`;
    const a = new Records(await openDatabase(name), defaultSettings(true));
    const first = await a.securityMark();
    expect(isSecurityMark(first)).toBe(true);
    expect(await a.securityMark()).toEqual(first);
    const b = new Records(await openDatabase(name), defaultSettings(true));
    expect(await b.securityMark()).toEqual(first);
  });

  it('renews to a new stored mark', async () => {
    const r = await open();
    const before = await r.securityMark();
    let after = await r.renewSecurityMark();
    // 1 in 262,144 × 12 to draw the same one again; draw until it differs.
    while (JSON.stringify(after.symbols) === JSON.stringify(before.symbols) && after.hue === before.hue)
      after = await r.renewSecurityMark();
    expect(await r.securityMark()).toEqual(after);
  });
});

describe('Records: copies in memory', () => {
  it('contacts and settings read after a write show the write, also through a fresh Records', async () => {
    const name = `noise-records-${n++}`;
    const r = new Records(await openDatabase(name), defaultSettings(true));
    expect(await r.contacts()).toEqual([]);
    const bob = {
      address: 'Bob@Example.org',
      fingerprint: 'AB',
      armoredKey: 'k',
      source: 'manual' as const,
      firstSeen: 1,
      lastUsed: null,
      verified: false,
    };
    await r.putContact(bob);
    expect((await r.contacts()).map((c) => c.address)).toEqual(['bob@example.org']);
    // A caller changing what it got back does not change the copy.
    (await r.contacts())[0]!.fingerprint = 'changed';
    expect((await r.contacts())[0]?.fingerprint).toBe('AB');
    await r.putContact({ ...bob, fingerprint: 'CD' });
    expect((await r.contacts())[0]?.fingerprint).toBe('CD');
    expect(await r.removeContact('bob@example.org')).toBe(true);
    expect(await r.contacts()).toEqual([]);

    expect((await r.settings()).lockTimeoutMinutes).toBe(30);
    await r.updateSettings({ lockTimeoutMinutes: 5 });
    expect((await r.settings()).lockTimeoutMinutes).toBe(5);
    const again = new Records(await openDatabase(name), defaultSettings(true));
    expect((await again.settings()).lockTimeoutMinutes).toBe(5);
  });
});
