// The new-mail poll's bookkeeping: unread inbox ids for the badge, arrivals announced only when
// they are newer than anything seen (not on the first poll, not for mail marked unread again,
// never for Sent copies), and the notification naming senders only when the keys allow it.

import { describe, expect, it } from 'vitest';
import type { ChangesResponse, InboxMessage } from '../../../shared/api/inbox.ts';
import { newMailText } from './new-mail.ts';
import { applyChanges, applyWatch, badgeText, unreadOf } from './poller.ts';

const msg = (
  id: string,
  receivedAt: number,
  read = false,
  folder: 'inbox' | 'sent' = 'inbox',
): InboxMessage => ({
  id: id.padEnd(22, 'A'),
  folder,
  receivedAt,
  size: 10,
  format: 'pgp',
  version: 1,
  flags: { read, starred: false },
  auth: { spf: 'unknown', dkim: 'unknown', dmarc: 'unknown', aligned: false },
  summary: '',
});

const page = (cursor: number, ...messages: (InboxMessage | string)[]): ChangesResponse => ({
  cursor,
  more: false,
  changes: messages.map((m, i) =>
    typeof m === 'string'
      ? { id: m.padEnd(22, 'A'), cursor: cursor - i, deleted: true }
      : { id: m.id, cursor: cursor - i, deleted: false, message: m },
  ),
});

describe('inbox poll state', () => {
  it('counts unread inbox mail and announces only arrivals newer than any seen', () => {
    const state = { cursor: 0, unread: [] as string[], newest: 0 };
    expect(applyChanges(state, page(2, msg('a', 100), msg('b', 200, true)), false)).toEqual([]);
    expect(state).toMatchObject({ cursor: 2, newest: 200 });
    expect(state.unread).toHaveLength(1);
    // b marked unread again (older): counted, not announced; c is new; a Sent copy is neither.
    const arrived = applyChanges(
      state,
      page(5, msg('b', 200, false), msg('c', 300), msg('s', 400, true, 'sent')),
      true,
    );
    expect(arrived.map((m) => m.id[0])).toEqual(['c']);
    expect(state.unread.map((id) => id[0]).sort()).toEqual(['a', 'b', 'c']);
    // Read, deleted: out of the count.
    applyChanges(state, page(7, msg('a', 100, true), 'c'), true);
    expect(state.unread.map((id) => id[0])).toEqual(['b']);
  });

  it('locked: new mail is an unread count that grew; the badge counts what the watch token said', () => {
    const watch = { token: 't', cursor: 3, unread: 2 };
    expect(applyWatch(watch, { cursor: 5, unread: 3 })).toBe(1);
    // Read elsewhere, or deleted: the cursor moves, nothing arrived.
    expect(applyWatch(watch, { cursor: 6, unread: 1 })).toBe(0);
    expect(watch).toEqual({ token: 't', cursor: 6, unread: 1 });
    const record = {
      kind: 'inbox-poll' as const,
      account: 'ada@noise.localhost',
      listedAt: 0,
      inboxes: {
        a: { cursor: 6, unread: ['x', 'y'], newest: 0, watch },
        b: { cursor: 1, unread: ['z'], newest: 0 },
      },
    };
    expect(unreadOf(record, false)).toBe(3);
    expect(unreadOf(record, true)).toBe(2);
  });

  it('badge text', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(7)).toBe('7');
    expect(badgeText(1500)).toBe('999+');
  });

  it('names senders only when given them (unlocked); locked says "New mail" alone', () => {
    const t = (key: string, subs?: string | string[]) => `${key}(${[subs ?? []].flat().join(',')})`;
    expect(newMailText(t, 1, null)).toEqual({ title: 'inboxNewMailOne()', message: 'inboxNewMailLocked()' });
    expect(newMailText(t, 2, ['Dave', 'Erin'])).toEqual({
      title: 'inboxNewMailMany(2)',
      message: 'inboxNewMailFrom(Dave, Erin)',
    });
    expect(newMailText(t, 5, ['A', 'B', 'C', 'D', 'E']).message).toBe('inboxNewMailFromMore(A, B, C,2)');
  });
});
