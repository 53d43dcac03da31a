// The Worker calls the background makes, through the shared typed client (shared/api/client.ts).
// Failures become ExtensionError with the server's stable code kept alongside (serverCode,
// status), so pages show a clear message and upkeep can tell a 412 conflict apart.

import type {
  ChangePassphraseRequest,
  KdfParams,
  RegisterRequest,
  SessionTokens,
} from '../../shared/api/accounts.ts';
import { type ApiClient, apiClient, isApiClientError, memorySessionStore } from '../../shared/api/client.ts';
import type { OneTimePrekey, PublishKeysRequest, SignedPrekey } from '../../shared/api/directory.ts';
import { ExtensionError } from './errors.ts';

export type ServerSession = SessionTokens;

/** Lookups are cacheable for other clients; a key change must be seen here at once. */
const noStoreFetch: typeof fetch = (input, init) => fetch(input, { ...init, cache: 'no-store' });

async function translate<T>(base: string, run: () => Promise<T>): Promise<T> {
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

export function server(base: string) {
  const client = (session?: ServerSession): ApiClient =>
    apiClient({ baseUrl: base, session: memorySessionStore(session), fetch: noStoreFetch });
  const anonymous = client();
  return {
    startVerification: (address: string) =>
      translate(base, async () => (await anonymous.verification.start(address)).verificationId),
    confirmVerification: (verificationId: string, code: string) =>
      translate(base, async () => (await anonymous.verification.confirm(verificationId, code)).proofToken),
    /** Registers; a service-domain inbox is then claimed and the key republished so it binds it too. */
    register: (body: RegisterRequest, inbox?: string) =>
      translate(base, async () => {
        const c = client();
        const r = await c.register(body);
        if (inbox) {
          await c.account.addAddress({ address: inbox });
          await c.directory.publishKeys({ openpgpKey: body.keys.openpgpKey });
        }
        const account = await c.account.get();
        return {
          addresses: account.addresses.map((a) => a.address),
          session: (await c.session()) ?? r.session,
          vaultVersion: account.vaultVersion,
        };
      }),
    kdfParams: (address: string): Promise<KdfParams> => translate(base, () => anonymous.kdfParams(address)),
    login: (address: string, authKey: string, deviceName: string, deviceToken?: string) =>
      translate(base, () =>
        client().login({ address, authKey, deviceName, ...(deviceToken ? { deviceToken } : {}) }),
      ),
    getVault: (session: ServerSession) => translate(base, () => client(session).vault.get()),
    putVault: (session: ServerSession, vault: string, expectedVersion: number) =>
      translate(base, async () => (await client(session).vault.put(vault, expectedVersion)).version),
    /** Rewraps auth key, KDF parameters and vault at once; returns the new vault version. */
    changePassphrase: (session: ServerSession, body: ChangePassphraseRequest) =>
      translate(base, async () => (await client(session).account.changePassphrase(body)).version),
    publishKeys: (session: ServerSession, body: PublishKeysRequest) =>
      translate(base, () => client(session).directory.publishKeys(body)),
    publishRevocation: (session: ServerSession, revocation: string) =>
      translate(base, () => client(session).directory.publishRevocation(revocation)),
    prekeyStock: (session: ServerSession) => translate(base, () => client(session).directory.prekeyStock()),
    uploadOneTimePrekeys: (session: ServerSession, oneTimePrekeys: OneTimePrekey[]) =>
      translate(base, () => client(session).directory.uploadOneTimePrekeys(oneTimePrekeys)),
    rotateSignedPrekey: (session: ServerSession, spk: SignedPrekey) =>
      translate(base, () => client(session).directory.uploadSignedPrekey(spk)),
    sessions: (session: ServerSession) => translate(base, () => client(session).sessions.list()),
    revokeSession: (session: ServerSession, id: string) =>
      translate(base, async () => {
        await client(session).sessions.revoke(id);
      }),
    logout: (session: ServerSession) => translate(base, () => client(session).logout()),
    /** The armored key the directory publishes for `address`, or null when there is none. */
    lookupByEmail: (address: string) =>
      translate(base, async () => (await anonymous.directory.lookupByEmail(address))?.openpgpKey ?? null),
  };
}
