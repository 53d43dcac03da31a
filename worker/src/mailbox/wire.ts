// Mailbox rows as the API shows them (shared/api/inbox.ts), and the list cursor.

import type { InboxMessage } from '../../../shared/api/inbox.ts';
import { toBase64Url } from '../../../shared/encoding.ts';
import type { ListCursor } from './mailbox-queries.ts';
import type { MessageRow } from './message-table.ts';

export function messageJson(m: MessageRow): InboxMessage {
  return {
    id: m.id,
    folder: m.folder,
    receivedAt: m.receivedAt,
    size: m.size,
    format: m.format,
    version: m.version,
    flags: m.flags,
    auth: m.auth,
    summary: toBase64Url(m.summary),
  };
}

/** `<receivedAt>.<id>`: the last message of a page; the schema checks its shape. */
export function encodeListCursor(c: ListCursor | null): string | null {
  return c ? `${c.receivedAt}.${c.id}` : null;
}

export function decodeListCursor(text: string | undefined): ListCursor | null {
  if (!text) return null;
  const dot = text.indexOf('.');
  return { receivedAt: Number(text.slice(0, dot)), id: text.slice(dot + 1) };
}

/** The ETag of a body version and of a change cursor (RFC 9110 §8.8.3, strong). */
export const versionTag = (version: number) => `"v${version}"`;
export const cursorTag = (cursor: number) => `"c${cursor}"`;
