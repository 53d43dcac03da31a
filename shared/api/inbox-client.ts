// Typed client of the inbox API (docs/api.md, inboxes), composed into the one API client
// (client.ts `inbox`). Responses are validated against ./inbox.ts; failures become ApiClientError
// with the server's stable code (412 carries the current ETag). Bodies come back as streams so
// a caller can show progress on large mail.

import type { z } from 'zod';
import { ApiClientError, ErrorBody } from './errors.ts';
import {
  ChangesResponse,
  type FlagsRequest,
  frameReplacement,
  INBOX_ROUTES,
  InboxesResponse,
  InboxMessage,
  InboxOkResponse,
  MessageListResponse,
  StoredFormat,
} from './inbox.ts';

export interface InboxClientOptions {
  baseUrl: string;
  /** The current access token (the API client refreshes it). */
  accessToken: () => string | undefined | Promise<string | undefined>;
  fetch?: typeof fetch;
}

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

type Init = { method: string; headers?: Record<string, string>; body?: BodyInit };

export type InboxClient = ReturnType<typeof inboxClient>;

export function inboxClient(options: InboxClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function request(path: string, init: Init): Promise<Response> {
    const token = await options.accessToken();
    if (!token) throw new ApiClientError(401, 'unauthorized', 'Not logged in.');
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${token}`);
    return doFetch(`${base}${path}`, {
      method: init.method,
      headers,
      ...(init.body ? { body: init.body } : {}),
    });
  }

  async function fail(res: Response): Promise<never> {
    const etag = res.headers.get('ETag') ?? undefined;
    const parsed = ErrorBody.safeParse(await res.json().catch(() => null));
    if (parsed.success)
      throw new ApiClientError(res.status, parsed.data.error.code, parsed.data.error.message, { etag });
    throw new ApiClientError(res.status, 'unexpected_response', `Unexpected ${res.status} response.`, {
      etag,
    });
  }

  async function json<S extends z.ZodType>(schema: S, path: string, init: Init): Promise<z.infer<S>> {
    const res = await request(path, init);
    if (!res.ok) return fail(res);
    const parsed = schema.safeParse(await res.json().catch(() => null));
    if (!parsed.success)
      throw new ApiClientError(res.status, 'invalid_response', 'The response does not match its schema.');
    return parsed.data;
  }

  const tagged = (header: string | null, prefix: string) => {
    const m = header?.match(new RegExp(`^"${prefix}(\\d+)"$`));
    return m ? Number(m[1]) : Number.NaN;
  };

  return {
    /** Every inbox of the account with its usage, and the account's quota. */
    overview: () => json(InboxesResponse, INBOX_ROUTES.inboxes, { method: 'GET' }),
    /** Deletes the inbox's mail and gives the address up for good. */
    release: (address: string) => json(InboxOkResponse, INBOX_ROUTES.inbox(address), { method: 'DELETE' }),
    list: (address: string, page: { limit?: number; before?: string } = {}) => {
      const q = new URLSearchParams();
      if (page.limit !== undefined) q.set('limit', String(page.limit));
      if (page.before) q.set('before', page.before);
      const query = q.size > 0 ? `?${q}` : '';
      return json(MessageListResponse, `${INBOX_ROUTES.messages(address)}${query}`, { method: 'GET' });
    },
    get: (address: string, id: string) =>
      json(InboxMessage, INBOX_ROUTES.message(address, id), { method: 'GET' }),
    /** The sealed body, whole or one byte range of it (mailbox-v1 §3.5). */
    async body(
      address: string,
      id: string,
      range?: { offset: number; length: number },
    ): Promise<BodyResponse> {
      const headers: Record<string, string> = range
        ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` }
        : {};
      const res = await request(INBOX_ROUTES.body(address, id), { method: 'GET', headers });
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
      json(InboxMessage, INBOX_ROUTES.message(address, id), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream', 'If-Match': `"v${version}"` },
        body: frameReplacement(sealed.summary, sealed.body) as Uint8Array<ArrayBuffer>,
      }),
    setFlags: (address: string, id: string, flags: FlagsRequest) =>
      json(InboxMessage, INBOX_ROUTES.message(address, id), {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(flags),
      }),
    remove: (address: string, id: string) =>
      json(InboxOkResponse, INBOX_ROUTES.message(address, id), { method: 'DELETE' }),
    /** What changed after `since`; null when nothing did (304), for nearly free polling. */
    async changes(address: string, since: number): Promise<ChangesResponse | null> {
      const res = await request(`${INBOX_ROUTES.changes(address)}?since=${since}`, { method: 'GET' });
      if (res.status === 304) return null;
      if (!res.ok) return fail(res);
      const parsed = ChangesResponse.safeParse(await res.json().catch(() => null));
      if (!parsed.success)
        throw new ApiClientError(res.status, 'invalid_response', 'The response does not match its schema.');
      return parsed.data;
    },
  };
}
