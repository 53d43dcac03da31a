// Typed client of the Worker API, used by the extension and the CLI. fetch-based with web
// standards only, so it runs in browsers, Workers and Node. Requests are shaped by the
// schemas in ./accounts.ts, every response is validated against them, and failures become
// ApiClientError { status, code, message }. The client keeps the session: it refreshes the
// access token shortly before it expires or after a 401, one refresh at a time (a rotated
// refresh token presented twice would revoke the whole session).

import type { z } from 'zod';
import {
  ACCOUNT_ROUTES,
  AccountAddressInfo,
  AccountResponse,
  type AddAddressRequest,
  type ChangePassphraseRequest,
  ConfirmVerificationResponse,
  KdfResponse,
  OkResponse,
  PutVaultResponse,
  type RegisterRequest,
  RegisterResponse,
  SessionListResponse,
  SessionTokens,
  StartVerificationResponse,
  VaultResponse,
} from './accounts.ts';
import { type DirectoryClient, directoryClient } from './directory-client.ts';
import { ApiClientError, ErrorBody } from './errors.ts';
import { inboxClient } from './inbox-client.ts';

/** Where the client keeps the session tokens (memory, extension storage, a CLI file). */
export interface SessionStore {
  get(): SessionTokens | undefined | Promise<SessionTokens | undefined>;
  set(tokens: SessionTokens | undefined): void | Promise<void>;
}

export function memorySessionStore(initial?: SessionTokens): SessionStore {
  let current = initial;
  return {
    get: () => current,
    set: (t) => {
      current = t;
    },
  };
}

export interface ApiClientOptions {
  /** Worker origin, e.g. "https://api.noise.email". */
  baseUrl: string;
  session?: SessionStore;
  fetch?: typeof fetch;
  /** Refresh this long before the access token expires (default 30 s). */
  refreshMarginMs?: number;
  now?: () => number;
}

type Init = { method: string; json?: unknown; auth: boolean; headers?: Record<string, string> };

export type ApiClient = ReturnType<typeof apiClient>;

export function apiClient(options: ApiClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const store = options.session ?? memorySessionStore();
  const margin = options.refreshMarginMs ?? 30_000;
  const now = options.now ?? Date.now;
  let refreshing: Promise<SessionTokens> | undefined;

  async function send(path: string, init: Init, token?: string): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.json !== undefined) headers.set('Content-Type', 'application/json');
    if (token) headers.set('Authorization', `Bearer ${token}`);
    return doFetch(`${base}${path}`, {
      method: init.method,
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
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

  /** One refresh in flight at a time; concurrent callers share it. */
  function refresh(): Promise<SessionTokens> {
    refreshing ??= (async () => {
      try {
        const current = await store.get();
        if (!current) throw new ApiClientError(401, 'unauthorized', 'Not logged in.');
        const res = await send(ACCOUNT_ROUTES.refresh, {
          method: 'POST',
          json: { refreshToken: current.refreshToken },
          auth: false,
        });
        if (res.status === 401) await store.set(undefined);
        const next = await parse(SessionTokens, res);
        await store.set(next);
        return next;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  }

  async function accessToken(): Promise<string> {
    if (refreshing) return (await refreshing).accessToken;
    const current = await store.get();
    if (!current) throw new ApiClientError(401, 'unauthorized', 'Not logged in.');
    if (current.accessExpiresAt - margin > now()) return current.accessToken;
    return (await refresh()).accessToken;
  }

  async function call<S extends z.ZodType>(schema: S, path: string, init: Init): Promise<z.infer<S>> {
    if (!init.auth) return parse(schema, await send(path, init));
    const token = await accessToken();
    let res = await send(path, init, token);
    if (res.status === 401) {
      // The access token expired or was rotated under us: retry once with a newer one,
      // refreshing only if no other call has done so meanwhile.
      await res.body?.cancel();
      const current = refreshing ? await refreshing : await store.get();
      const next =
        current && current.accessToken !== token ? current.accessToken : (await refresh()).accessToken;
      res = await send(path, init, next);
    }
    return parse(schema, res);
  }

  const directory: DirectoryClient = directoryClient({ baseUrl: base, fetch: doFetch, accessToken });

  return {
    /** Current session tokens, if logged in. */
    session: async () => store.get(),

    verification: {
      /**
       * Mails a code for `address`. The proof serves a new account; with `forAccount`, the session
       * starts it and the proof serves only adding the address to this account (docs/api.md).
       */
      start: (address: string, options: { forAccount?: boolean } = {}) =>
        call(StartVerificationResponse, ACCOUNT_ROUTES.verifications, {
          method: 'POST',
          json: { address },
          auth: options.forAccount === true,
        }),
      /** With the mailed code, or without one once the mailed link was confirmed. */
      confirm: (verificationId: string, code?: string) =>
        call(ConfirmVerificationResponse, ACCOUNT_ROUTES.confirmVerification(verificationId), {
          method: 'POST',
          json: code === undefined ? {} : { code },
          auth: false,
        }),
    },

    async register(body: RegisterRequest) {
      const out = await call(RegisterResponse, ACCOUNT_ROUTES.accounts, {
        method: 'POST',
        json: body,
        auth: false,
      });
      await store.set(out.session);
      return out;
    },

    kdfParams: async (address: string) =>
      (await call(KdfResponse, ACCOUNT_ROUTES.kdf, { method: 'POST', json: { address }, auth: false })).kdf,

    /** `deviceToken`: the one an earlier login here returned; it keeps this device out of the address's lockout. */
    async login(body: { address: string; authKey: string; deviceName: string; deviceToken?: string }) {
      const tokens = await call(SessionTokens, ACCOUNT_ROUTES.login, {
        method: 'POST',
        json: body,
        auth: false,
      });
      await store.set(tokens);
      return tokens;
    },

    refresh,

    async logout() {
      try {
        await call(OkResponse, ACCOUNT_ROUTES.logout, { method: 'POST', auth: true });
      } finally {
        await store.set(undefined);
      }
    },

    sessions: {
      list: async () =>
        (await call(SessionListResponse, ACCOUNT_ROUTES.sessions, { method: 'GET', auth: true })).sessions,
      revoke: (id: string) => call(OkResponse, ACCOUNT_ROUTES.session(id), { method: 'DELETE', auth: true }),
    },

    account: {
      get: () => call(AccountResponse, ACCOUNT_ROUTES.account, { method: 'GET', auth: true }),
      addAddress: (body: AddAddressRequest) =>
        call(AccountAddressInfo, ACCOUNT_ROUTES.addresses, { method: 'POST', json: body, auth: true }),
      /** Rewraps auth key, KDF params and vault at once; the other sessions are revoked. */
      changePassphrase: (body: ChangePassphraseRequest) =>
        call(PutVaultResponse, ACCOUNT_ROUTES.passphrase, { method: 'POST', json: body, auth: true }),
    },

    vault: {
      get: () => call(VaultResponse, ACCOUNT_ROUTES.vault, { method: 'GET', auth: true }),
      /** Compare-and-swap: throws ApiClientError 412 'vault_conflict' (with etag) when `version` is stale. */
      put: (vault: string, version: number) =>
        call(PutVaultResponse, ACCOUNT_ROUTES.vault, {
          method: 'PUT',
          json: { vault },
          auth: true,
          headers: { 'If-Match': `"${version}"` },
        }),
    },

    directory,
    inbox: inboxClient({ baseUrl: base, fetch: doFetch, accessToken }),
  };
}

export { ApiClientError, isApiClientError } from './errors.ts';
