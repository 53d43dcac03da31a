// The one API client's core: requests shaped by the schemas, responses validated against them,
// failures as ApiClientError { status, code }, and the session. An access token is refreshed with
// the refresh token shortly before it expires or after a 401, one refresh at a time (a rotated
// refresh token presented twice revokes the whole session, RFC 9700 §4.14.2). It logs in again
// only when no usable refresh token is left, with the credentials `relogin` gives, once per call.

import type { z } from 'zod';
import { ACCOUNT_ROUTES, type LoginRequest, SessionTokens } from './accounts.ts';
import { ApiClientError, ErrorBody } from './errors.ts';
import {
  type LoginReason,
  memorySessionStore,
  type SessionEvent,
  type SessionStore,
} from './session-store.ts';

export interface ApiClientOptions {
  /** Worker origin, e.g. "https://noise.email" (a trailing slash is fine). */
  baseUrl: string;
  session?: SessionStore;
  fetch?: typeof fetch;
  /** Refresh this long before the access token expires (default 30 s). */
  refreshMarginMs?: number;
  now?: () => number;
  /**
   * Credentials to log in with when no usable refresh token is left (none stored, expired,
   * revoked or reused), or null to fail with 401 instead. Never called while one is valid.
   */
  relogin?: (previous: SessionTokens | undefined) => Promise<LoginRequest | null>;
  /** Told about refreshes and logins the client made by itself (the extension logs them). */
  onSessionEvent?: (event: SessionEvent) => void | Promise<void>;
}

export type RequestInit_ = {
  method: string;
  json?: unknown;
  /** A non-JSON body (sealed mailbox objects); the caller sets its Content-Type. */
  body?: Uint8Array<ArrayBuffer> | string;
  auth: boolean;
  headers?: Record<string, string>;
};

export interface Transport {
  /** A request whose JSON answer must match `schema`; `auth` adds the session's access token. */
  call<S extends z.ZodType>(schema: S, path: string, init: RequestInit_): Promise<z.infer<S>>;
  /**
   * The raw response, for answers that are not one JSON object (streamed bodies, 304, text);
   * `auth` as for `call`. The caller checks the status and hands failures to `fail`.
   */
  request(path: string, init: RequestInit_): Promise<Response>;
  /** Throws the ApiClientError a failed response carries (code, Retry-After, ETag). */
  fail(res: Response): Promise<never>;
  /** Validates a successful JSON response against `schema`, or throws as `fail` does. */
  parse<S extends z.ZodType>(schema: S, res: Response): Promise<z.infer<S>>;
  /** A public GET: null on 404 not_found, the parsed body otherwise. */
  lookup<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S> | null>;
  /** Logs in and keeps the new session. */
  login(body: LoginRequest): Promise<SessionTokens>;
  /** Rotates the refresh token now (or logs in again, see `relogin`). */
  refresh(): Promise<SessionTokens>;
  store: SessionStore;
}

export function createTransport(options: ApiClientOptions): Transport {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const store = options.session ?? memorySessionStore();
  const margin = options.refreshMarginMs ?? 30_000;
  const now = options.now ?? Date.now;
  let renewing: Promise<SessionTokens> | undefined;

  async function send(path: string, init: RequestInit_, token?: string): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.json !== undefined) headers.set('Content-Type', 'application/json');
    if (token) headers.set('Authorization', `Bearer ${token}`);
    return doFetch(`${base}${path}`, {
      method: init.method,
      headers,
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    });
  }

  async function fail(res: Response): Promise<never> {
    const retry = Number(res.headers.get('Retry-After'));
    const extra = {
      ...(Number.isFinite(retry) && retry > 0 ? { retryAfterSeconds: retry } : {}),
      ...(res.headers.get('ETag') ? { etag: res.headers.get('ETag') ?? undefined } : {}),
    };
    const parsed = ErrorBody.safeParse(await res.json().catch(() => null));
    if (parsed.success)
      throw new ApiClientError(res.status, parsed.data.error.code, parsed.data.error.message, extra);
    throw new ApiClientError(res.status, 'unexpected_response', `Unexpected ${res.status} response.`, extra);
  }

  async function parse<S extends z.ZodType>(schema: S, res: Response): Promise<z.infer<S>> {
    if (!res.ok) return fail(res);
    const parsed = schema.safeParse(await res.json().catch(() => null));
    if (!parsed.success)
      throw new ApiClientError(res.status, 'invalid_response', 'The response does not match its schema.');
    return parsed.data;
  }

  async function login(body: LoginRequest): Promise<SessionTokens> {
    const tokens = await parse(
      SessionTokens,
      await send(ACCOUNT_ROUTES.login, { method: 'POST', json: body, auth: false }),
    );
    await store.set(tokens);
    return tokens;
  }

  /** Logs in with `relogin`'s credentials, or rethrows `cause` when there are none. */
  async function relogin(reason: LoginReason, previous: SessionTokens | undefined, cause: ApiClientError) {
    const credentials = await options.relogin?.(previous);
    if (!credentials) throw cause;
    const tokens = await login(credentials);
    await options.onSessionEvent?.({
      kind: 'login',
      reason,
      sessionId: tokens.sessionId,
      previousSessionId: previous?.sessionId ?? null,
    });
    return tokens;
  }

  /** The refresh grant, or a login when the refresh token is gone, expired, revoked or reused. */
  async function renew(): Promise<SessionTokens> {
    const current = await store.get();
    const unauthorized = new ApiClientError(401, 'unauthorized', 'Not logged in.');
    if (!current) return relogin('no_session', undefined, unauthorized);
    if (current.refreshExpiresAt <= now()) {
      await store.set(undefined);
      return relogin(
        'session_ended',
        current,
        new ApiClientError(401, 'invalid_refresh_token', 'The session expired.'),
      );
    }
    const res = await send(ACCOUNT_ROUTES.refresh, {
      method: 'POST',
      json: { refreshToken: current.refreshToken },
      auth: false,
    });
    if (res.status === 401) {
      // The token is dead either way; a stored copy must not be tried again.
      await store.set(undefined);
      const error = await fail(res).catch((e: ApiClientError) => e);
      return relogin(
        error.code === 'refresh_token_reused' ? 'refresh_token_reused' : 'session_ended',
        current,
        error,
      );
    }
    const answer = await parse(SessionTokens, res);
    // The device token outlives sessions (docs/api.md, "Lockout"): a refresh that does not
    // hand out a new one keeps the one this device already holds.
    const deviceToken = answer.deviceToken ?? current.deviceToken;
    const next = deviceToken ? { ...answer, deviceToken } : answer;
    await store.set(next);
    await options.onSessionEvent?.({ kind: 'refreshed', sessionId: next.sessionId });
    return next;
  }

  /** One renewal in flight at a time; concurrent callers share it. */
  function refresh(): Promise<SessionTokens> {
    renewing ??= renew().finally(() => {
      renewing = undefined;
    });
    return renewing;
  }

  async function accessToken(): Promise<string> {
    if (renewing) return (await renewing).accessToken;
    const current = await store.get();
    if (current && current.accessExpiresAt - margin > now()) return current.accessToken;
    return (await refresh()).accessToken;
  }

  async function request(path: string, init: RequestInit_): Promise<Response> {
    if (!init.auth) return send(path, init);
    const token = await accessToken();
    let res = await send(path, init, token);
    if (res.status === 401) {
      // The access token expired or was rotated under us: retry once with a newer one,
      // renewing only if no other call has done so meanwhile.
      await res.body?.cancel();
      const current = renewing ? await renewing : await store.get();
      const next =
        current && current.accessToken !== token ? current.accessToken : (await refresh()).accessToken;
      res = await send(path, init, next);
    }
    return res;
  }

  async function call<S extends z.ZodType>(schema: S, path: string, init: RequestInit_): Promise<z.infer<S>> {
    return parse(schema, await request(path, init));
  }

  async function lookup<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S> | null> {
    try {
      return await call(schema, path, { method: 'GET', auth: false });
    } catch (e) {
      if (e instanceof ApiClientError && e.status === 404 && e.code === 'not_found') return null;
      throw e;
    }
  }

  return { call, request, fail, parse, lookup, login, refresh, store };
}
