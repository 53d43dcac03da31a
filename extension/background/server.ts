// The Worker calls the background makes, validated against the shared API schemas
// (shared/api). Every failure becomes ExtensionError('server') with the server's stable code.

import type { z } from 'zod';
import {
  ACCOUNT_ROUTES,
  AccountResponse,
  ConfirmVerificationResponse,
  type KdfParams,
  KdfResponse,
  PutVaultResponse,
  type RegisterRequest,
  RegisterResponse,
  SessionTokens,
  StartVerificationResponse,
  VaultResponse,
} from '../../shared/api/accounts.ts';
import {
  DIRECTORY_ROUTES,
  KeyLookupResponse,
  type OneTimePrekey,
  PrekeyStock,
  type PublishKeysRequest,
  PublishKeysResponse,
  RevocationResponse,
  type SignedPrekey,
  SignedPrekeyResponse,
} from '../../shared/api/directory.ts';
import { ErrorBody } from '../../shared/api/errors.ts';
import { ExtensionError } from './errors.ts';

export type ServerSession = z.infer<typeof SessionTokens>;

async function request<S extends z.ZodType>(
  base: string,
  path: string,
  schema: S,
  init: { method?: string; body?: unknown; token?: string; ifMatch?: number } = {},
): Promise<z.infer<S>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.ifMatch !== undefined) headers['If-Match'] = `"${init.ifMatch}"`;
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      // Lookups are cacheable for others; a key change must be seen at once here.
      cache: 'no-store',
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ExtensionError('server', `The server at ${base} cannot be reached.`);
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = ErrorBody.safeParse(json);
    const code = err.success ? err.data.error.code : `http_${res.status}`;
    const message = err.success ? err.data.error.message : `The server answered ${res.status}.`;
    throw Object.assign(
      new ExtensionError(code === 'invalid_credentials' ? 'bad_passphrase' : 'server', message),
      {
        serverCode: code,
        status: res.status,
      },
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ExtensionError('server', `Unexpected answer from ${path}.`);
  return parsed.data;
}

export function server(base: string) {
  return {
    async startVerification(address: string): Promise<string> {
      const r = await request(base, ACCOUNT_ROUTES.verifications, StartVerificationResponse, {
        body: { address },
      });
      return r.verificationId;
    },
    async confirmVerification(verificationId: string, code: string): Promise<string> {
      const r = await request(
        base,
        ACCOUNT_ROUTES.confirmVerification(verificationId),
        ConfirmVerificationResponse,
        {
          body: { code },
        },
      );
      return r.proofToken;
    },
    async register(body: RegisterRequest) {
      const r = await request(base, ACCOUNT_ROUTES.accounts, RegisterResponse, { body });
      const account = await request(base, ACCOUNT_ROUTES.account, AccountResponse, {
        token: r.session.accessToken,
      });
      return {
        addresses: r.addresses.map((a) => a.address),
        session: r.session,
        vaultVersion: account.vaultVersion,
      };
    },
    async kdfParams(address: string): Promise<KdfParams> {
      return (await request(base, ACCOUNT_ROUTES.kdf, KdfResponse, { body: { address } })).kdf;
    },
    login(address: string, authKey: string, deviceName: string): Promise<ServerSession> {
      return request(base, ACCOUNT_ROUTES.login, SessionTokens, { body: { address, authKey, deviceName } });
    },
    getVault(session: ServerSession) {
      return request(base, ACCOUNT_ROUTES.vault, VaultResponse, { token: session.accessToken });
    },
    async putVault(session: ServerSession, vault: string, expectedVersion: number): Promise<number> {
      const r = await request(base, ACCOUNT_ROUTES.vault, PutVaultResponse, {
        method: 'PUT',
        body: { vault },
        token: session.accessToken,
        ifMatch: expectedVersion,
      });
      return r.version;
    },
    publishKeys(session: ServerSession, body: PublishKeysRequest) {
      return request(base, DIRECTORY_ROUTES.keys, PublishKeysResponse, { body, token: session.accessToken });
    },
    publishRevocation(session: ServerSession, revocation: string) {
      return request(base, DIRECTORY_ROUTES.revocation, RevocationResponse, {
        body: { revocation },
        token: session.accessToken,
      });
    },
    prekeyStock(session: ServerSession) {
      return request(base, DIRECTORY_ROUTES.prekeyStock, PrekeyStock, { token: session.accessToken });
    },
    uploadOneTimePrekeys(session: ServerSession, oneTimePrekeys: OneTimePrekey[]) {
      return request(base, DIRECTORY_ROUTES.oneTimePrekeys, PrekeyStock, {
        body: { oneTimePrekeys },
        token: session.accessToken,
      });
    },
    rotateSignedPrekey(session: ServerSession, spk: SignedPrekey) {
      return request(base, DIRECTORY_ROUTES.signedPrekey, SignedPrekeyResponse, {
        method: 'PUT',
        body: spk,
        token: session.accessToken,
      });
    },
    /** The armored key the directory publishes for `address`, or null when there is none. */
    async lookupByEmail(address: string): Promise<string | null> {
      try {
        return (await request(base, DIRECTORY_ROUTES.byEmail(address), KeyLookupResponse)).openpgpKey;
      } catch (e) {
        if ((e as { status?: number }).status === 404) return null;
        throw e;
      }
    },
  };
}
