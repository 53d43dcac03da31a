// Mailboxes on disk: DATA/<account>/<mailbox>/<id>.eml holds each message byte for byte as it
// was delivered or imported, so an exported .eml is exactly what went in. Parsed views are
// cached per file.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime, { type Email } from 'postal-mime';
import type { Account } from './accounts.ts';
import { WebmailError } from './errors.ts';

export const MAILBOXES = ['inbox', 'sent'] as const;
export type Mailbox = (typeof MAILBOXES)[number];

export interface Address {
  name: string;
  address: string;
}

export interface StoredMessage {
  id: string;
  account: string;
  mailbox: Mailbox;
  /** The Message-ID header with angle brackets, or a synthetic one when the mail has none. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  threadId: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  subject: string;
  date: string | null;
  text: string;
  size: number;
}

export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export function isMailbox(value: unknown): value is Mailbox {
  return typeof value === 'string' && (MAILBOXES as readonly string[]).includes(value);
}

// Sortable by arrival: 12 hex digits of milliseconds, then 4 random hex digits (the shape of
// Gmail's legacy message ids, 16 hex digits).
let lastMillis = 0;
export function newMessageId(): string {
  // Strictly increasing, so two messages stored in the same millisecond keep their order.
  lastMillis = Math.max(Date.now(), lastMillis + 1);
  return lastMillis.toString(16).padStart(12, '0') + randomBytes(2).toString('hex');
}

const MESSAGE_ID_TOKEN = /<[^<>\s]+>/g;

function idTokens(value: string | undefined): string[] {
  return value ? (value.match(MESSAGE_ID_TOKEN) ?? []) : [];
}

/** RFC 5322 §3.6.4: a reply's References starts with the thread root, else In-Reply-To. */
export function threadIdFor(messageId: string, inReplyTo: string | null, references: string[]): string {
  const root = references[0] ?? inReplyTo ?? messageId;
  return createHash('sha256').update(root).digest('hex').slice(0, 16);
}

const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+:/;

/** Refuses what is not an RFC 5322 message: a header block, a blank line, a From address. */
export async function parseRaw(raw: Uint8Array): Promise<Email> {
  if (raw.byteLength === 0) throw new WebmailError(400, 'malformed', 'empty message');
  if (raw.byteLength > MAX_MESSAGE_BYTES) throw new WebmailError(413, 'too_large', 'message too large');
  const head = Buffer.from(raw.subarray(0, Math.min(raw.byteLength, 64 * 1024))).toString('latin1');
  if (!HEADER_LINE.test(head) || !/\r?\n\r?\n/.test(head)) {
    throw new WebmailError(400, 'malformed', 'not an RFC 5322 message (no header block)');
  }
  const parsed = await PostalMime.parse(raw);
  if (!parsed.from?.address) throw new WebmailError(400, 'malformed', 'message has no From address');
  return parsed;
}

export class MailStore {
  readonly #dir: string;
  readonly #accounts: Map<string, Account>;
  readonly #cache = new Map<string, StoredMessage>();

  constructor(dataDir: string, accounts: Account[]) {
    this.#dir = dataDir;
    this.#accounts = new Map(accounts.map((a) => [a.name, a]));
    for (const a of accounts)
      for (const m of MAILBOXES) mkdirSync(join(dataDir, a.name, m), { recursive: true });
    mkdirSync(join(dataDir, 'outbound'), { recursive: true });
  }

  account(name: string): Account {
    const account = this.#accounts.get(name);
    if (!account) throw new WebmailError(404, 'not_found', 'no such account');
    return account;
  }

  accounts(): Account[] {
    return [...this.#accounts.values()];
  }

  accountByAddress(address: string): Account | undefined {
    const lower = address.toLowerCase();
    return this.accounts().find((a) => a.address.toLowerCase() === lower);
  }

  /**
   * Stores raw bytes unchanged and returns the parsed view. `parsed` is parseRaw(raw) when the
   * caller has it already: parsing takes seconds for a 10 MB mail, so one send parses once.
   */
  async deliver(
    accountName: string,
    mailbox: Mailbox,
    raw: Uint8Array,
    parsed?: Email,
  ): Promise<StoredMessage> {
    this.account(accountName);
    const mail = parsed ?? (await parseRaw(raw));
    const id = newMessageId();
    const path = join(this.#dir, accountName, mailbox, `${id}.eml`);
    writeFileSync(path, raw);
    const message = viewOf(accountName, mailbox, id, mail, raw.byteLength);
    this.#cache.set(path, message);
    return message;
  }

  /** Mail for addresses outside the webmail: kept so tests can export it (e.g. to gpg). */
  storeOutbound(raw: Uint8Array): string {
    const id = newMessageId();
    writeFileSync(join(this.#dir, 'outbound', `${id}.eml`), raw);
    return id;
  }

  outbound(): string[] {
    return readdirSync(join(this.#dir, 'outbound'))
      .filter((f) => f.endsWith('.eml'))
      .map((f) => f.slice(0, -4))
      .sort();
  }

  outboundRaw(id: string): Buffer {
    if (!/^[0-9a-f]{16}$/.test(id)) throw new WebmailError(404, 'not_found', 'no such message');
    try {
      return readFileSync(join(this.#dir, 'outbound', `${id}.eml`));
    } catch {
      throw new WebmailError(404, 'not_found', 'no such message');
    }
  }

  async list(accountName: string, mailbox: Mailbox): Promise<StoredMessage[]> {
    this.account(accountName);
    const ids = readdirSync(join(this.#dir, accountName, mailbox))
      .filter((f) => f.endsWith('.eml'))
      .map((f) => f.slice(0, -4))
      .sort();
    const out: StoredMessage[] = [];
    for (const id of ids) out.push(await this.#load(accountName, mailbox, id));
    return out;
  }

  /** Both mailboxes, oldest first. */
  async all(accountName: string): Promise<StoredMessage[]> {
    const lists = await Promise.all(MAILBOXES.map((m) => this.list(accountName, m)));
    return lists.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async get(accountName: string, id: string): Promise<StoredMessage> {
    for (const m of await this.all(accountName)) if (m.id === id) return m;
    throw new WebmailError(404, 'not_found', 'no such message');
  }

  async raw(accountName: string, id: string): Promise<Buffer> {
    const m = await this.get(accountName, id);
    return readFileSync(join(this.#dir, accountName, m.mailbox, `${id}.eml`));
  }

  async thread(accountName: string, threadId: string): Promise<StoredMessage[]> {
    const messages = (await this.all(accountName)).filter((m) => m.threadId === threadId);
    if (messages.length === 0) throw new WebmailError(404, 'not_found', 'no such thread');
    return messages;
  }

  async #load(accountName: string, mailbox: Mailbox, id: string): Promise<StoredMessage> {
    const path = join(this.#dir, accountName, mailbox, `${id}.eml`);
    const cached = this.#cache.get(path);
    if (cached) return cached;
    const raw = readFileSync(path);
    const message = viewOf(accountName, mailbox, id, await PostalMime.parse(raw), raw.byteLength);
    this.#cache.set(path, message);
    return message;
  }
}

function viewOf(accountName: string, mailbox: Mailbox, id: string, p: Email, size: number): StoredMessage {
  const messageId = p.messageId?.trim() || `<${id}@webmail.invalid>`;
  const inReplyTo = idTokens(p.inReplyTo)[0] ?? null;
  const references = idTokens(p.references);
  const addresses = (list: typeof p.to): Address[] =>
    (list ?? []).flatMap((a) =>
      'group' in a && a.group ? a.group.map((g) => ({ name: g.name, address: g.address })) : [a as Address],
    );
  return {
    id,
    account: accountName,
    mailbox,
    messageId,
    inReplyTo,
    references,
    threadId: threadIdFor(messageId, inReplyTo, references),
    from: p.from?.address ? { name: p.from.name, address: p.from.address } : null,
    to: addresses(p.to),
    cc: addresses(p.cc),
    subject: p.subject ?? '',
    date: p.date ?? null,
    text: p.text ?? (p.html ? htmlToText(p.html) : ''),
    size,
  };
}

// HTML-only mail is shown as text: the demo never renders foreign markup.
function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
