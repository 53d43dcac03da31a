// The Mailbox's SQL that reads pages and keeps its counters (docs/api.md, inboxes): the message
// list by folder, the change feed after a cursor, and the tombstones it prunes. Called by the
// Durable Object inside its single-threaded calls (mailbox-object.ts), so each stays atomic.

import { TOMBSTONE_TTL_MS } from './limits.ts';
import { type ChangeRow, type Folder, type MessageRow, type SqlRow, toMessageRow } from './message-table.ts';

export interface ListCursor {
  receivedAt: number;
  id: string;
}

export interface Page {
  messages: MessageRow[];
  next: ListCursor | null;
}

export type Changes = { expired: true } | { cursor: number; changes: ChangeRow[]; more: boolean };

const LIVE = 'deleted_at IS NULL';

export function readCounter(sql: SqlStorage, name: string): number {
  const row = sql.exec<{ value: number }>('SELECT value FROM counters WHERE name = ?', name).toArray()[0];
  return row?.value ?? 0;
}

export function bumpCounter(sql: SqlStorage, name: string, delta: number): number {
  return sql
    .exec<{ value: number }>(
      `INSERT INTO counters (name, value) VALUES (?1, ?2)
       ON CONFLICT (name) DO UPDATE SET value = value + ?2 RETURNING value`,
      name,
      delta,
    )
    .one().value;
}

/** Newest first within a folder; `before` is the last message of the previous page. */
export function listPage(sql: SqlStorage, folder: Folder, before: ListCursor | null, limit: number): Page {
  const rows = before
    ? sql
        .exec<SqlRow>(
          `SELECT * FROM messages WHERE ${LIVE} AND folder = ?4 AND (received_at < ?1 OR (received_at = ?1 AND id < ?2))
           ORDER BY received_at DESC, id DESC LIMIT ?3`,
          before.receivedAt,
          before.id,
          limit + 1,
          folder,
        )
        .toArray()
    : sql
        .exec<SqlRow>(
          `SELECT * FROM messages WHERE ${LIVE} AND folder = ? ORDER BY received_at DESC, id DESC LIMIT ?`,
          folder,
          limit + 1,
        )
        .toArray();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    messages: page.map(toMessageRow),
    next: rows.length > limit && last ? { receivedAt: last.received_at, id: last.id } : null,
  };
}

/**
 * What changed after `since`, oldest first. A cursor older than the tombstones still kept is
 * 'expired': the client must list again.
 */
export function changesAfter(sql: SqlStorage, since: number, limit: number): Changes {
  if (since < readCounter(sql, 'pruned') || since > readCounter(sql, 'cursor')) return { expired: true };
  const rows = sql
    .exec<SqlRow>('SELECT * FROM messages WHERE changed > ? ORDER BY changed LIMIT ?', since, limit + 1)
    .toArray();
  const page = rows.slice(0, limit);
  const changes = page.map((r) =>
    r.deleted_at !== null
      ? { id: r.id, cursor: r.changed, deleted: true }
      : { id: r.id, cursor: r.changed, deleted: false, message: toMessageRow(r) },
  );
  const more = rows.length > limit;
  return {
    cursor: more ? (page[page.length - 1]?.changed ?? since) : readCounter(sql, 'cursor'),
    changes,
    more,
  };
}

/** Tombstones past TOMBSTONE_TTL_MS go; `pruned` keeps the newest cursor they held (see changesAfter). */
export function pruneTombstones(sql: SqlStorage, now: number): void {
  const old = sql
    .exec<{ changed: number | null }>(
      'SELECT max(changed) AS changed FROM messages WHERE deleted_at IS NOT NULL AND deleted_at < ?',
      now - TOMBSTONE_TTL_MS,
    )
    .one().changed;
  if (old === null) return;
  sql.exec('DELETE FROM messages WHERE deleted_at IS NOT NULL AND changed <= ?', old);
  sql.exec(
    `INSERT INTO counters (name, value) VALUES ('pruned', ?1) ON CONFLICT (name) DO UPDATE SET value = ?1`,
    old,
  );
}
