// New mail: the alarm asks each inbox for its `changes` since the cursor this device reached
// (docs/api.md: 304 when nothing moved, so a quiet poll is one small round trip), keeps the ids
// of unread inbox messages for the toolbar badge, and reports arrivals newer than any seen before
// (a message marked unread again is not new mail). The first poll of an inbox only learns its
// state: it announces nothing.

import type { ApiClient } from '../../../shared/api/client.ts';
import { isApiClientError } from '../../../shared/api/client.ts';
import type { ChangesResponse, InboxMessage } from '../../../shared/api/inbox.ts';
import type { InboxPollRecord } from '../../store/schema.ts';

/** How often the list of the account's inboxes is asked for again. */
export const RELIST_MS = 30 * 60_000;
/** At most this many `changes` pages per inbox and poll (500 changes each). */
const MAX_PAGES = 40;

type InboxState = InboxPollRecord['inboxes'][string];

/** One page of changes applied to an inbox's state; returns the arrivals it announced. */
export function applyChanges(state: InboxState, page: ChangesResponse, announce: boolean): InboxMessage[] {
  const unread = new Set(state.unread);
  const arrived: InboxMessage[] = [];
  let newest = state.newest;
  for (const ch of page.changes) {
    const m = ch.message;
    if (ch.deleted || !m) {
      unread.delete(ch.id);
      continue;
    }
    if (m.folder === 'inbox' && !m.flags.read) {
      unread.add(m.id);
      if (announce && m.receivedAt > state.newest) arrived.push(m);
    } else unread.delete(m.id);
    if (m.folder === 'inbox') newest = Math.max(newest, m.receivedAt);
  }
  state.unread = [...unread];
  state.newest = newest;
  state.cursor = page.cursor;
  return arrived;
}

export interface PollResult {
  /** Unread inbox messages over all inboxes. */
  unread: number;
  /** Arrivals since the last poll, oldest first, with their inbox address. */
  arrived: { address: string; message: InboxMessage }[];
}

/** Polls every inbox of the account once; the record is updated in place. */
export async function pollInboxes(
  api: ApiClient,
  record: InboxPollRecord,
  now = Date.now(),
): Promise<PollResult> {
  if (now - record.listedAt > RELIST_MS || Object.keys(record.inboxes).length === 0) {
    const { inboxes } = await api.inbox.overview();
    const next: InboxPollRecord['inboxes'] = {};
    for (const { address } of inboxes)
      next[address] = record.inboxes[address] ?? { cursor: 0, unread: [], newest: 0 };
    record.inboxes = next;
    record.listedAt = now;
  }
  const arrived: PollResult['arrived'] = [];
  for (const [address, state] of Object.entries(record.inboxes)) {
    let announce = state.cursor > 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      let changes: ChangesResponse | null;
      try {
        changes = await api.inbox.changes(address, state.cursor);
      } catch (e) {
        // 410: older than the tombstones kept; start over (announcing nothing), 404: released.
        if (isApiClientError(e) && e.status === 410) {
          Object.assign(state, { cursor: 0, unread: [] });
          announce = false;
          continue;
        }
        if (isApiClientError(e) && e.status === 404) {
          delete record.inboxes[address];
          break;
        }
        throw e;
      }
      if (!changes) break;
      for (const message of applyChanges(state, changes, announce)) arrived.push({ address, message });
      if (!changes.more) break;
    }
  }
  return { unread: unreadOf(record, false), arrived };
}

/**
 * While locked: what a watch token answered against what it answered last. New mail is an unread
 * count that grew (the cursor alone also moves on flags and deletions); it is all a locked poll
 * can know, since the summaries need the keys.
 */
export function applyWatch(
  watch: { cursor: number; unread: number },
  answer: { cursor: number; unread: number },
): number {
  const grew = Math.max(0, answer.unread - watch.unread);
  watch.cursor = answer.cursor;
  watch.unread = answer.unread;
  return grew;
}

/** The badge's count: each inbox's unread ids, or while locked what its watch token last said. */
export function unreadOf(record: InboxPollRecord, locked: boolean): number {
  return Object.values(record.inboxes).reduce(
    (n, s) => n + (locked && s.watch ? s.watch.unread : s.unread.length),
    0,
  );
}

/** A read or delete from the inbox page: the badge follows at once, before the next poll. */
export function noteRead(record: InboxPollRecord, address: string, id: string, read: boolean): void {
  const state = record.inboxes[address];
  if (!state) return;
  const unread = new Set(state.unread);
  if (read) unread.delete(id);
  else unread.add(id);
  state.unread = [...unread];
}

export function badgeText(unread: number): string {
  if (unread <= 0) return '';
  return unread > 999 ? '999+' : String(unread);
}
