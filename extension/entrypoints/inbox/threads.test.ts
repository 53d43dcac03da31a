import { describe, expect, it } from 'vitest';
import { groupByThread } from './threads.ts';

const row = (id: string, thread: string | null) => ({ id, thread });

describe('threads in the list', () => {
  it('a reply joins its thread under the newest message; the rest keep their order', () => {
    const rows = [
      row('r2', '<a@x>'),
      row('b', '<b@x>'),
      row('solo', null),
      row('r1', '<a@x>'),
      row('a', '<a@x>'),
    ];
    expect(groupByThread(rows).map(({ row, follows }) => `${row.id}${follows ? '+' : ''}`)).toEqual([
      'r2',
      'r1+',
      'a+',
      'b',
      'solo',
    ]);
  });

  it('keeps every row exactly once', () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(`m${i}`, i % 3 ? `<t${i % 5}@x>` : null));
    const out = groupByThread(rows).map((r) => r.row.id);
    expect(out.slice().sort()).toEqual(rows.map((r) => r.id).sort());
  });
});
