// SQL of one mailbox (Durable Object SQLite storage): the message index, a change cursor and the
// mailbox's usage. Nothing here is plaintext: summaries are sealed (docs/spec/mailbox-v1.md), and
// the visible columns are the ones docs/threat-model.md lists for the inbound side.

import type { AuthVerdicts } from '../inbound/auth-results.ts';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  id TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL,      -- unix ms
  dedupe TEXT NOT NULL UNIQUE,       -- keyed hash of the Message-ID (worker/src/inbound/dedupe.ts)
  auth TEXT NOT NULL,                -- JSON AuthVerdicts
  format TEXT NOT NULL,              -- 'pgp' (sealed on arrival) or 'inbox-v1' (re-encrypted)
  version INTEGER NOT NULL,          -- compare-and-swap version of summary and body
  summary BLOB,                      -- sealed summary; NULL on a tombstone
  body_key TEXT,                     -- R2 key of the sealed body; NULL on a tombstone
  body_size INTEGER NOT NULL,
  flags INTEGER NOT NULL DEFAULT 0,  -- bit 0 read, bit 1 starred
  deleted_at INTEGER,                -- set on a tombstone
  changed INTEGER NOT NULL,          -- change cursor value of the last change
  folder TEXT NOT NULL DEFAULT 'inbox' -- 'inbox' (arrived) or 'sent' (the client's Sent copy)
);
CREATE INDEX IF NOT EXISTS messages_list ON messages(received_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS messages_changed ON messages(changed);
CREATE TABLE IF NOT EXISTS counters (
  name TEXT PRIMARY KEY,             -- 'cursor', 'bytes', 'messages', 'pruned'
  value INTEGER NOT NULL
);
`;

/**
 * Mailboxes created before folders existed lack the column: it is added with every existing row
 * in the inbox. Then the per-folder list index, which needs the column.
 */
export function migrate(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>('PRAGMA table_info(messages)').toArray();
  if (!columns.some((c) => c.name === 'folder'))
    sql.exec(`ALTER TABLE messages ADD COLUMN folder TEXT NOT NULL DEFAULT 'inbox'`);
  sql.exec(
    'CREATE INDEX IF NOT EXISTS messages_folder_list ON messages(folder, received_at DESC, id DESC) WHERE deleted_at IS NULL',
  );
}

const FOLDERS = ['inbox', 'sent'] as const;
export type Folder = (typeof FOLDERS)[number];

export const FLAG_READ = 1;
export const FLAG_STARRED = 2;

export type StoredFormat = 'pgp' | 'inbox-v1';

export interface MessageRow {
  id: string;
  folder: Folder;
  receivedAt: number;
  auth: AuthVerdicts;
  format: StoredFormat;
  version: number;
  size: number;
  flags: { read: boolean; starred: boolean };
  summary: Uint8Array;
}

export interface ChangeRow {
  id: string;
  cursor: number;
  deleted: boolean;
  message?: MessageRow;
}

export type SqlRow = {
  id: string;
  received_at: number;
  auth: string;
  format: string;
  version: number;
  summary: ArrayBuffer | null;
  body_size: number;
  body_key: string | null;
  flags: number;
  deleted_at: number | null;
  changed: number;
  folder: string;
};

export function toMessageRow(r: SqlRow): MessageRow {
  return {
    id: r.id,
    folder: r.folder === 'sent' ? 'sent' : 'inbox',
    receivedAt: r.received_at,
    auth: JSON.parse(r.auth) as AuthVerdicts,
    format: r.format as StoredFormat,
    version: r.version,
    size: r.body_size,
    flags: { read: (r.flags & FLAG_READ) !== 0, starred: (r.flags & FLAG_STARRED) !== 0 },
    summary: new Uint8Array(r.summary ?? new ArrayBuffer(0)),
  };
}

/** Bytes a message counts against the quota: its sealed body and its sealed summary. */
export function storedBytes(bodySize: number, summary: Uint8Array | ArrayBuffer | null): number {
  return bodySize + (summary?.byteLength ?? 0);
}
