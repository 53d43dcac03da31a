// Typed client of the inbox API (docs/api.md, inboxes), composed into the one API client
// (client.ts `inbox`). Responses are validated against ./inbox.ts; failures become ApiClientError
// with the server's stable code (412 carries the current ETag). Bodies come back as streams so
// a caller can show progress on large mail.

import { ApiClientError } from './errors.ts';
import {
  ChangesResponse,
  type FlagsRequest,
  type Folder,
  frameReplacement,
  INBOX_ROUTES,
  InboxesResponse,
  InboxMessage,
  InboxOkResponse,
  MessageListResponse,
  StoredFormat,
  WatchResponse,
  WatchTokenResponse,
  watchTag,
} from './inbox.ts';
import type { Transport } from './transport.ts';

export interface BodyResponse {
  /** The sealed body (or the requested range of it), as it streams in. */
  stream: ReadableStream<Uint8Array>;
  format: StoredFormat;
  version: number;
  /** Bytes in this response. */
  length: number;
  /** Bytes of the whole sealed body. */
  size: number;
}

export type InboxCalls = ReturnType<typeof inboxCalls>;

export function inboxCalls({ call, request, fail, parse }: Transport) {
  const tagged = (header: string | null, prefix: string) => {
    const m = header?.match(new RegExp(`^"${prefix}(\\d+)"$`));
    return m ? Number(m[1]) : Number.NaN;
  };

  return {
    /** Every inbox of the account with its usage, and the account's quota. */
    overview: () => call(InboxesResponse, INBOX_ROUTES.inboxes, { method: 'GET', auth: true }),
    /** Deletes the inbox's mail and gives the address up for good. */
    release: (address: string) =>
      call(InboxOkResponse, INBOX_ROUTES.inbox(address), { method: 'DELETE', auth: true }),
    list: (address: string, page: { limit?: number; before?: string; folder?: Folder } = {}) => {
      const q = new URLSearchParams();
      if (page.folder) q.set('folder', page.folder);
      if (page.limit !== undefined) q.set('limit', String(page.limit));
      if (page.before) q.set('before', page.before);
      const query = q.size > 0 ? `?${q}` : '';
      return call(MessageListResponse, `${INBOX_ROUTES.messages(address)}${query}`, {
        method: 'GET',
        auth: true,
      });
    },
    get: (address: string, id: string) =>
      call(InboxMessage, INBOX_ROUTES.message(address, id), { method: 'GET', auth: true }),
    /** The sealed body, whole or one byte range of it (mailbox-v1 §3.5). */
    async body(
      address: string,
      id: string,
      range?: { offset: number; length: number },
    ): Promise<BodyResponse> {
      const headers: Record<string, string> = range
        ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` }
        : {};
      const res = await request(INBOX_ROUTES.body(address, id), { method: 'GET', headers, auth: true });
      if (!res.ok || !res.body) return fail(res);
      const format = StoredFormat.safeParse(res.headers.get('X-Noise-Format'));
      const length = Number(res.headers.get('Content-Length'));
      const total = res.headers.get('Content-Range')?.match(/\/(\d+)$/)?.[1];
      const version = tagged(res.headers.get('ETag'), 'v');
      if (!format.success || !Number.isSafeInteger(version))
        throw new ApiClientError(
          res.status,
          'invalid_response',
          'The body response lacks its format or version.',
        );
      return { stream: res.body, format: format.data, version, length, size: total ? Number(total) : length };
    },
    /** Compare-and-swap: throws ApiClientError 412 'version_conflict' (with etag) when `version` moved. */
    replace: (
      address: string,
      id: string,
      version: number,
      sealed: { summary: Uint8Array; body: Uint8Array },
    ) =>
      call(InboxMessage, INBOX_ROUTES.message(address, id), {
        method: 'PUT',
        auth: true,
        headers: { 'Content-Type': 'application/octet-stream', 'If-Match': `"v${version}"` },
        body: frameReplacement(sealed.summary, sealed.body) as Uint8Array<ArrayBuffer>,
      }),
    /**
     * Stores a Sent copy under the id the client drew (shared/outbound sealSentCopy gives `framed`);
     * 409 'message_exists' when the id is taken (a retried upload already landed).
     */
    uploadSent: (address: string, id: string, framed: Uint8Array) =>
      call(InboxMessage, INBOX_ROUTES.sent(address, id), {
        method: 'PUT',
        auth: true,
        headers: { 'Content-Type': 'application/octet-stream' },
        body: framed as Uint8Array<ArrayBuffer>,
      }),
    setFlags: (address: string, id: string, flags: FlagsRequest) =>
      call(InboxMessage, INBOX_ROUTES.message(address, id), { method: 'PATCH', json: flags, auth: true }),
    remove: (address: string, id: string) =>
      call(InboxOkResponse, INBOX_ROUTES.message(address, id), { method: 'DELETE', auth: true }),
    /** A new watch token for the inbox (the session's account must own it). */
    watchToken: (address: string) =>
      call(WatchTokenResponse, INBOX_ROUTES.watchToken(address), { method: 'POST', auth: true }),
    /**
     * The inbox's cursor and unread count through a watch token, without a session (a locked
     * extension); null when they are still `last` (304).
     */
    async watch(address: string, token: string, last?: WatchResponse): Promise<WatchResponse | null> {
      const res = await request(INBOX_ROUTES.watch(address), {
        method: 'GET',
        auth: false,
        headers: { Authorization: `Watch ${token}`, ...(last ? { 'If-None-Match': watchTag(last) } : {}) },
      });
      if (res.status === 304) return null;
      return parse(WatchResponse, res);
    },
    /** What changed after `since`; null when nothing did (304), for nearly free polling. */
    async changes(address: string, since: number): Promise<ChangesResponse | null> {
      const res = await request(`${INBOX_ROUTES.changes(address)}?since=${since}`, {
        method: 'GET',
        auth: true,
      });
      if (res.status === 304) return null;
      return parse(ChangesResponse, res);
    },
  };
}
