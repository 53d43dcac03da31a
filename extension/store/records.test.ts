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
