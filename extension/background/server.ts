// The background's binding of the one API client (shared/api/client.ts): one client per server
// URL, all sharing the persistent session store (session-store.ts), so refreshes are shared and
// survive restarts; it logs in again by itself only when no refresh token is usable, with the
// unlocked auth key, and each such login goes to the security log. Failures reaching pages
// become ExtensionError with the server's code kept alongside (serverCode, status).

import { type ApiClient, apiClient, isApiClientError, type SessionEvent } from '../../shared/api/client.ts';
import { memorySessionStore, type SessionStore } from '../../shared/api/session-store.ts';
import type { Records } from '../store/records.ts';
import type { AccountSecrets } from './account.ts';
import type { Custody } from './custody.ts';
import { ExtensionError } from './errors.ts';

export const DEVICE_NAME = 'Browser extension';

/** Lookups are cacheable for other clients; a key change must be seen here at once. */
const noStoreFetch: typeof fetch = (input, init) => fetch(input, { ...init, cache: 'no-store' });

/** Runs a server call; its failure becomes an ExtensionError a page can show. */
export async function serverCall<T>(base: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isApiClientError(e)) {
      const code = e.code === 'invalid_credentials' ? 'bad_passphrase' : 'server';
      throw Object.assign(new ExtensionError(code, e.message), { serverCode: e.code, status: e.status });
    }
    if (e instanceof TypeError)
      throw new ExtensionError('server', `The server at ${base} cannot be reached.`);
    throw e;
  }
}

/** A client without a session, for calls any visitor may make (lookups, bundles, verification). */
export function anonymousClient(serverUrl: string, fetcher: typeof fetch = noStoreFetch): ApiClient {
  return apiClient({ baseUrl: serverUrl, session: memorySessionStore(), fetch: fetcher });
}

export interface AccountServer {
  /** The client for the account's server, with this device's session. */
  api(serverUrl: string): ApiClient;
  /** A client without a session: verification, registration lookups, bundles. */
  anonymous(serverUrl: string): ApiClient;
  /** Where the session is kept (sealed at unlock, forgotten unsealed at lock). */
  sessions: SessionStore & { sealHeld?(): Promise<void>; forgetUnsealed?(): Promise<void> };
}

export function createAccountServer(
  records: Records,
  custody: Custody<AccountSecrets>,
  sessions: AccountServer['sessions'],
  fetcher: typeof fetch = noStoreFetch,
): AccountServer {
  const clients = new Map<string, ApiClient>();

  async function logSession(e: SessionEvent): Promise<void> {
    if (e.kind !== 'login') return;
    const address = (await records.vault())?.address ?? '';
    if (e.reason === 'refresh_token_reused') {
      await records.log(
        'session_token_reused',
        `${address}: a refresh token was used twice, so the server ended session ${e.previousSessionId}; logged in again`,
      );
    } else {
      await records.log('session_new', `${address} (login: ${e.reason.replace('_', ' ')})`);
    }
  }

  return {
    sessions,
    api(serverUrl) {
      let client = clients.get(serverUrl);
      if (!client) {
        client = apiClient({
          baseUrl: serverUrl,
          session: sessions,
          fetch: fetcher,
          relogin: async (previous) => {
            const [secrets, vault] = await Promise.all([custody.current(), records.vault()]);
            if (!secrets || !vault) return null;
            // The ended session's device token keeps this login out of the address's lockout.
            const deviceToken = previous?.deviceToken;
            return {
              address: vault.address,
              authKey: secrets.authKey,
              deviceName: DEVICE_NAME,
              ...(deviceToken ? { deviceToken } : {}),
            };
          },
          onSessionEvent: logSession,
        });
        clients.set(serverUrl, client);
      }
      return client;
    },
    anonymous: (serverUrl) => anonymousClient(serverUrl, fetcher),
  };
}
