// Typed client of the key directory: publishing, prekeys and lookups. Requests are built from
// the schemas in ./directory.ts and every response is validated against them; failures become
// ApiClientError with the server's stable code.

import type { z } from 'zod';
import {
  DIRECTORY_ROUTES,
  KeyLookupResponse,
  type OneTimePrekey,
  PrekeyBundle,
  PrekeyStock,
  type PublishKeysRequest,
  PublishKeysResponse,
  RevocationResponse,
  type SignedPrekey,
  SignedPrekeyResponse,
} from './directory.ts';
import { ApiClientError, ErrorBody } from './errors.ts';

export interface DirectoryClientOptions {
  /** Worker origin, e.g. "https://keys.noise.email" (no trailing slash needed). */
  baseUrl: string;
  /** Access token for account routes: a value or a function that returns a fresh one. */
  accessToken?: string | (() => string | undefined | Promise<string | undefined>);
  fetch?: typeof fetch;
}

export type DirectoryClient = ReturnType<typeof directoryClient>;

export function directoryClient(options: DirectoryClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function request(
    path: string,
    init: { method: string; json?: unknown; auth: boolean },
  ): Promise<Response> {
    const headers = new Headers();
    if (init.json !== undefined) headers.set('Content-Type', 'application/json');
    if (init.auth) {
      const token =
        typeof options.accessToken === 'function' ? await options.accessToken() : options.accessToken;
      if (!token) throw new ApiClientError(401, 'unauthorized', 'No access token for an account route.');
      headers.set('Authorization', `Bearer ${token}`);
    }
    return doFetch(`${base}${path}`, {
      method: init.method,
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  }

  async function fail(res: Response): Promise<never> {
    const retry = Number(res.headers.get('Retry-After'));
    const extra = Number.isFinite(retry) && retry > 0 ? { retryAfterSeconds: retry } : {};
    const parsed = ErrorBody.safeParse(await res.json().catch(() => null));
    if (parsed.success)
      throw new ApiClientError(res.status, parsed.data.error.code, parsed.data.error.message, extra);
    throw new ApiClientError(res.status, 'unexpected_response', `Unexpected ${res.status} response.`, extra);
  }

  async function json<S extends z.ZodType>(
    schema: S,
    path: string,
    init: { method: string; json?: unknown; auth: boolean },
  ): Promise<z.infer<S>> {
    const res = await request(path, init);
    if (!res.ok) return fail(res);
    const parsed = schema.safeParse(await res.json().catch(() => null));
    if (!parsed.success)
      throw new ApiClientError(res.status, 'invalid_response', 'The response does not match its schema.');
    return parsed.data;
  }

  /** A lookup: null when nothing is published (404), the parsed body otherwise. */
  async function lookup<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S> | null> {
    try {
      return await json(schema, path, { method: 'GET', auth: false });
    } catch (e) {
      if (e instanceof ApiClientError && e.status === 404 && e.code === 'not_found') return null;
      throw e;
    }
  }

  return {
    publishKeys: (body: PublishKeysRequest) =>
      json(PublishKeysResponse, DIRECTORY_ROUTES.keys, { method: 'POST', json: body, auth: true }),
    publishRevocation: (revocation: string) =>
      json(RevocationResponse, DIRECTORY_ROUTES.revocation, {
        method: 'POST',
        json: { revocation },
        auth: true,
      }),
    uploadSignedPrekey: (spk: SignedPrekey) =>
      json(SignedPrekeyResponse, DIRECTORY_ROUTES.signedPrekey, { method: 'PUT', json: spk, auth: true }),
    uploadOneTimePrekeys: (oneTimePrekeys: OneTimePrekey[]) =>
      json(PrekeyStock, DIRECTORY_ROUTES.oneTimePrekeys, {
        method: 'POST',
        json: { oneTimePrekeys },
        auth: true,
      }),
    prekeyStock: () => json(PrekeyStock, DIRECTORY_ROUTES.prekeyStock, { method: 'GET', auth: true }),
    /** Takes one one-time prekey from the recipient's stock (if any is left). */
    fetchBundle: (address: string) =>
      json(PrekeyBundle, DIRECTORY_ROUTES.bundle(address), { method: 'POST', auth: false }),
    lookupByEmail: (address: string) => lookup(KeyLookupResponse, DIRECTORY_ROUTES.byEmail(address)),
    lookupByFingerprint: (fingerprint: string) =>
      lookup(KeyLookupResponse, DIRECTORY_ROUTES.byFingerprint(fingerprint)),
  };
}
