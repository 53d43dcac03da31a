// The Mailbox Durable Object: one per inbox address (docs/api.md, inboxes). It owns the message
// index, flags, usage and the change cursor in its SQLite storage; the sealed bodies are R2
// objects it names and deletes. A Durable Object runs one call at a time, and each method below
// does its SQL without awaiting in between, so every check-then-write is atomic.

import { DurableObject } from 'cloudflare:workers';
import type { Bindings } from '../env.ts';
import { deletePrefix, mailboxPrefix } from './body-objects.ts';
import { ACCOUNT_QUOTA, type Usage } from './limits.ts';
import {
  bumpCounter,
  type Changes,
  changesAfter,
  type ListCursor,
  listPage,
  type Page,
  pruneTombstones,
  readCounter,
} from './mailbox-queries.ts';
import {
  FLAG_READ,
  FLAG_STARRED,
  type Folder,
  type MessageRow,
  migrate,
  SCHEMA,
  type SqlRow,
  type StoredFormat,
  storedBytes,
  toMessageRow,
} from './message-table.ts';
import { addWatcher, isWatcher, unreadCount } from './watchers.ts';

interface NewMessage {
  id: string;
  receivedAt: number;
  dedupe: string;
  auth: MessageRow['auth'];
  summary: Uint8Array;
  bodyKey: string;
  bodySize: number;
}

export type Admission = 'ok' | 'duplicate' | 'full';

/** A Sent copy the client sealed under the inbox key, with the id it drew (docs/api.md). */
interface SentCopy {
  id: string;
  at: number;
  summary: Uint8Array;
  bodyKey: string;
  bodySize: number;
}

/** Sent copies have no arrival verdicts: the user wrote them. */
const NO_VERDICTS = JSON.stringify({ spf: 'unknown', dkim: 'unknown', dmarc: 'unknown', aligned: false });

export class Mailbox extends DurableObject<Bindings> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(SCHEMA);
    migrate(this.sql);
  }

  private counter(name: string): number {
    return readCounter(this.sql, name);
  }

  private bump(name: string, delta: number): number {
    return bumpCounter(this.sql, name, delta);
  }

  private row(id: string): SqlRow | undefined {
    return this.sql.exec<SqlRow>('SELECT * FROM messages WHERE id = ?', id).toArray()[0];
  }

  usage(): Usage {
    return { bytes: this.counter('bytes'), messages: this.counter('messages') };
  }

  /** Whether the account (this mailbox plus `others`) can take `bytes` more in one message. */
  private fits(bytes: number, others: Usage): boolean {
    const mine = this.usage();
    return (
      mine.bytes + others.bytes + bytes <= ACCOUNT_QUOTA.bytes &&
      mine.messages + others.messages + 1 <= ACCOUNT_QUOTA.messages
    );
  }

  /** Before the edge encrypts: a duplicate or a full account is answered without the work. */
  admit(dedupe: string, bytes: number, others: Usage): Admission {
    if (this.sql.exec('SELECT 1 FROM messages WHERE dedupe = ?', dedupe).toArray().length > 0)
      return 'duplicate';
    return this.fits(bytes, others) ? 'ok' : 'full';
  }

  /**
   * Indexes an arrival whose sealed body is already in R2; the same checks again. One SQLite
   * transaction: a failure half-way leaves no row and no counter changed.
   */
  commit(m: NewMessage, others: Usage): Admission {
    return this.ctx.storage.transactionSync(() => {
      const bytes = storedBytes(m.bodySize, m.summary);
      const admission = this.admit(m.dedupe, bytes, others);
      if (admission !== 'ok') return admission;
      const cursor = this.bump('cursor', 1);
      this.sql.exec(
        `INSERT INTO messages (id, received_at, dedupe, auth, format, version, summary, body_key, body_size, flags, changed)
         VALUES (?, ?, ?, ?, 'pgp', 1, ?, ?, ?, 0, ?)`,
        m.id,
        m.receivedAt,
        m.dedupe,
        JSON.stringify(m.auth),
        m.summary,
        m.bodyKey,
        m.bodySize,
        cursor,
      );
      this.bump('bytes', bytes);
      this.bump('messages', 1);
      return 'ok';
    });
  }

  /**
   * Stores a Sent copy (already sealed by the client, body already in R2) under the id the client
   * drew; 'duplicate' when that id exists (a retried upload), 'full' over the account's quota.
   */
  storeSent(m: SentCopy, others: Usage): Admission {
    return this.ctx.storage.transactionSync(() => {
      if (this.row(m.id)) return 'duplicate';
      const bytes = storedBytes(m.bodySize, m.summary);
      if (!this.fits(bytes, others)) return 'full';
      this.sql.exec(
        `INSERT INTO messages (id, received_at, dedupe, auth, format, version, summary, body_key, body_size, flags, changed, folder)
         VALUES (?, ?, ?, ?, 'inbox-v1', 1, ?, ?, ?, ?, ?, 'sent')`,
        m.id,
        m.at,
        `sent/${m.id}`,
        NO_VERDICTS,
        m.summary,
        m.bodyKey,
        m.bodySize,
        FLAG_READ,
        this.bump('cursor', 1),
      );
      this.bump('bytes', bytes);
      this.bump('messages', 1);
      return 'ok';
    });
  }

  /** Newest first within a folder; `before` is the last message of the previous page. */
  list(folder: Folder, before: ListCursor | null, limit: number): Page {
    return listPage(this.sql, folder, before, limit);
  }

  get(id: string): MessageRow | null {
    const r = this.row(id);
    return r && r.deleted_at === null ? toMessageRow(r) : null;
  }

  /** Where the body of a live message is, for streaming it from R2. */
  body(id: string): { key: string; version: number; format: StoredFormat; size: number } | null {
    const r = this.row(id);
    if (!r || r.deleted_at !== null || !r.body_key) return null;
    return { key: r.body_key, version: r.version, format: r.format as StoredFormat, size: r.body_size };
  }

  /**
   * Compare-and-swap of summary and body (the client's re-encryption under the inbox key). The
   * caller wrote the new body to R2 first; the old one is deleted here once the row points away.
   */
  async replace(
    id: string,
    expectedVersion: number,
    next: { summary: Uint8Array; bodyKey: string; bodySize: number },
    others: Usage,
  ): Promise<
    | { status: 'replaced'; message: MessageRow }
    | { status: 'conflict'; version: number }
    | { status: 'not_found' }
    | { status: 'full' }
  > {
    const r = this.row(id);
    if (!r || r.deleted_at !== null) return { status: 'not_found' };
    if (r.version !== expectedVersion) return { status: 'conflict', version: r.version };
    const delta = storedBytes(next.bodySize, next.summary) - storedBytes(r.body_size, r.summary);
    if (delta > 0 && !this.fits(delta, { bytes: others.bytes, messages: others.messages - 1 }))
      return { status: 'full' };
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        `UPDATE messages SET format = 'inbox-v1', version = version + 1, summary = ?, body_key = ?, body_size = ?, changed = ?
         WHERE id = ?`,
        next.summary,
        next.bodyKey,
        next.bodySize,
        this.bump('cursor', 1),
        id,
      );
      this.bump('bytes', delta);
    });
    if (r.body_key && r.body_key !== next.bodyKey) await this.dropBody(r.body_key);
    return { status: 'replaced', message: toMessageRow(this.row(id)!) };
  }

  /** Deletes a message: its body and summary go, a tombstone stays for `changes`. */
  async remove(id: string): Promise<boolean> {
    const r = this.row(id);
    if (!r || r.deleted_at !== null) return false;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        'UPDATE messages SET summary = NULL, body_key = NULL, body_size = 0, flags = 0, deleted_at = ?, changed = ? WHERE id = ?',
        now,
        this.bump('cursor', 1),
        id,
      );
      this.bump('bytes', -storedBytes(r.body_size, r.summary));
      this.bump('messages', -1);
      pruneTombstones(this.sql, now);
    });
    if (r.body_key) await this.dropBody(r.body_key);
    return true;
  }

  /** The row no longer points at the body: a failed delete leaves ciphertext nobody can reach. */
  private async dropBody(key: string): Promise<void> {
    try {
      await this.env.MAIL_BODIES.delete(key);
    } catch {
      console.error('mailbox: a replaced or deleted body could not be removed from R2');
    }
  }

  setFlags(id: string, flags: { read?: boolean; starred?: boolean }): MessageRow | null {
    const r = this.row(id);
    if (!r || r.deleted_at !== null) return null;
    let value = r.flags;
    if (flags.read !== undefined) value = flags.read ? value | FLAG_READ : value & ~FLAG_READ;
    if (flags.starred !== undefined) value = flags.starred ? value | FLAG_STARRED : value & ~FLAG_STARRED;
    if (value !== r.flags)
      this.sql.exec(
        'UPDATE messages SET flags = ?, changed = ? WHERE id = ?',
        value,
        this.bump('cursor', 1),
        id,
      );
    return toMessageRow(this.row(id)!);
  }

  cursor(): number {
    return this.counter('cursor');
  }

  /**
   * What changed after `since`, oldest first. A cursor older than the tombstones still kept is
   * 'expired': the client must list again.
   */
  changes(since: number, limit: number): Changes {
    return changesAfter(this.sql, since, limit);
  }

  /** Release: every body in R2, then every row. Safe to call again after a failure. */
  /** Keeps a watch token's hash (watchers.ts); the oldest beyond the cap go. */
  watchWith(hash: string, at: number): void {
    addWatcher(this.sql, hash, at);
  }

  /** What a watch token may learn, or null when it is not one of this mailbox's. */
  watched(hash: string): { cursor: number; unread: number } | null {
    if (!isWatcher(this.sql, hash)) return null;
    return { cursor: this.counter('cursor'), unread: unreadCount(this.sql) };
  }

  async destroy(): Promise<number> {
    const deleted = await deletePrefix(this.env.MAIL_BODIES, mailboxPrefix(this.ctx.id.toString()));
    await this.ctx.storage.deleteAll();
    return deleted;
  }
}
