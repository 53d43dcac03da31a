// Typed client of the outbound relay (docs/api.md, relay), composed into the one API client
// (client.ts `relay`). A send is one binary request (./relay.ts frameRelayRequest); answers are
// validated against ./relay.ts, failures become ApiClientError with the server's stable code
// (429 carries Retry-After).

import type { z } from 'zod';
import { ApiClientError, ErrorBody } from './errors.ts';
import {
  frameRelayRequest,
  RELAY_REQUEST_TYPE,
  RELAY_ROUTES,
  RelayKeyDocument,
  type RelayRequestMeta,
  RelayResult,
  SecurityLogResponse,
  SendLogResponse,
} from './relay.ts';

export interface RelayClientOptions {
  baseUrl: string;
  /** The current access token (the API client refreshes it). */
  accessToken: () => string | undefined | Promise<string | undefined>;
  fetch?: typeof fetch;
}

export type RelayClient = ReturnType<typeof relayClient>;

export function relayClient(options: RelayClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call<S extends z.ZodType>(
    schema: S,
    path: string,
    init: { method: string; auth: boolean; body?: Uint8Array },
  ): Promise<z.infer<S>> {
    const headers = new Headers();
    if (init.auth) {
      const token = await options.accessToken();
      if (!token) throw new ApiClientError(401, 'unauthorized', 'Not logged in.');
      headers.set('Authorization', `Bearer ${token}`);
    }
    if (init.body) headers.set('Content-Type', RELAY_REQUEST_TYPE);
    const res = await doFetch(`${base}${path}`, {
      method: init.method,
      headers,
      ...(init.body ? { body: init.body as Uint8Array<ArrayBuffer> } : {}),
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const retry = Number(res.headers.get('Retry-After'));
      const extra = Number.isFinite(retry) && retry > 0 ? { retryAfterSeconds: retry } : {};
      const error = ErrorBody.safeParse(body);
      if (error.success)
        throw new ApiClientError(res.status, error.data.error.code, error.data.error.message, extra);
      throw new ApiClientError(
        res.status,
        'unexpected_response',
        `Unexpected ${res.status} response.`,
        extra,
      );
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new ApiClientError(res.status, 'invalid_response', 'The response does not match its schema.');
    return parsed.data;
  }

  return {
    /**
     * Sends one message: the complete encrypted MIME (mode 'encrypted') or the relay seal of
     * the plaintext MIME (mode 'sealed', see shared/outbound prepareSend).
     */
    send: (meta: RelayRequestMeta, message: Uint8Array) =>
      call(RelayResult, RELAY_ROUTES.messages, {
        method: 'POST',
        auth: true,
        body: frameRelayRequest(meta, message),
      }),
    /** The account's send log (newest first) and what its limits leave. */
    log: () => call(SendLogResponse, RELAY_ROUTES.messages, { method: 'GET', auth: true }),
    /** The relay's public key document (docs/spec/relay-v1.md §2.3). */
    key: () => call(RelayKeyDocument, RELAY_ROUTES.key, { method: 'GET', auth: false }),
    /** The account's security log, newest first (refused senders, among others). */
    securityLog: () => call(SecurityLogResponse, RELAY_ROUTES.securityLog, { method: 'GET', auth: true }),
  };
}
