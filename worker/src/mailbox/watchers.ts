// Watch tokens of one mailbox (docs/api.md "Watching an inbox"): what a locked extension may ask
// without a session — the change cursor and the unread count, nothing else. The mailbox keeps the
// SHA-256 of each token (256 random bits: a plain hash makes a leaked row useless, as for
// sessions, worker/src/auth/tokens.ts), at most MAX_WATCHERS, the newest; a release deletes them
// with the rest of the mailbox.

export const MAX_WATCHERS = 8;

const WATCHERS = `
CREATE TABLE IF NOT EXISTS watchers (
  hash TEXT PRIMARY KEY,             -- SHA-256 (hex) of the watch token
  created_at INTEGER NOT NULL        -- unix ms
);`;

export function addWatcher(sql: SqlStorage, hash: string, at: number): void {
  sql.exec(WATCHERS);
  sql.exec('INSERT OR REPLACE INTO watchers (hash, created_at) VALUES (?, ?)', hash, at);
  sql.exec(
    'DELETE FROM watchers WHERE hash NOT IN (SELECT hash FROM watchers ORDER BY created_at DESC, hash LIMIT ?)',
    MAX_WATCHERS,
  );
}

export function isWatcher(sql: SqlStorage, hash: string): boolean {
  sql.exec(WATCHERS);
  return sql.exec('SELECT 1 AS x FROM watchers WHERE hash = ?', hash).toArray().length > 0;
}

/** Live inbox messages (not Sent copies) without the read flag (message-table.ts FLAG_READ). */
export function unreadCount(sql: SqlStorage): number {
  return sql
    .exec<{ n: number }>(
      `SELECT count(*) AS n FROM messages WHERE deleted_at IS NULL AND folder = 'inbox' AND (flags & 1) = 0`,
    )
    .one().n;
}
