// Releasing an inbox: the Worker refuses the account's last sign-in address with 409
// last_sign_in_address (docs/api.md, release); the extension turns that answer into its own error
// code with a text in every locale, and any other refusal stays a plain server failure.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiClient } from '../../../shared/api/client.ts';
import { memorySessionStore } from '../../../shared/api/session-store.ts';
import type { VaultRecord } from '../../store/schema.ts';
import { ERROR_CODES } from '../../ui/failure-text.ts';
import { fingerprintsOf, generateIdentitySecrets } from '../identity.ts';
import { releaseInbox } from './claim.ts';
import type { KeyringDeps } from './keyring-custody.ts';

const SERVER = 'http://127.0.0.1:8787';
const identity = await generateIdentitySecrets('ada@noise.localhost', () => {});
const record: VaultRecord = {
  id: 'self',
  address: 'ada@noise.localhost',
  serverUrl: SERVER,
  blob: '',
  version: 1,
  fingerprints: fingerprintsOf(identity),
  updatedAt: 0,
};
const secrets = {
  identity,
  addresses: ['ada@noise.localhost', 'ada2@noise.localhost'],
  wrapKey: '',
  authKey: 'a',
};

/** The deps with a server that answers every request as the Worker's error shape does. */
function depsAnswering(status: number, code: string) {
  const calls: string[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    return Response.json({ error: { code, message: `server says ${code}` } }, { status });
  };
  const session = memorySessionStore({
    sessionId: 's',
    accountId: 'acc',
    accessToken: 'a'.repeat(43),
    accessExpiresAt: Date.now() + 3_600_000,
    refreshToken: 'r'.repeat(43),
    refreshExpiresAt: Date.now() + 3_600_000,
  });
  const api = apiClient({ baseUrl: SERVER, session, fetch: fetcher });
  const deps = {
    records: { vault: async () => record },
    custody: { current: async () => secrets },
    server: { api: () => api },
  } as unknown as KeyringDeps;
  return { deps, calls };
}

const locale = (lang: string) =>
  JSON.parse(readFileSync(new URL(`../../public/_locales/${lang}/messages.json`, import.meta.url), 'utf8'));

describe('releasing an inbox', () => {
  it('a 409 last_sign_in_address from the Worker becomes its own error code, with en and de text', async () => {
    const { deps, calls } = depsAnswering(409, 'last_sign_in_address');
    await expect(releaseInbox(deps, 'ADA2@noise.localhost')).rejects.toMatchObject({
      code: 'last_sign_in_address',
    });
    // One DELETE, for the normalized address; the vault was not touched after the refusal.
    expect(calls).toEqual(['DELETE /api/v1/inboxes/ada2%40noise.localhost']);
    expect((ERROR_CODES as readonly string[]).includes('last_sign_in_address')).toBe(true);
    const [en, de] = [locale('en'), locale('de')];
    expect(en.error_last_sign_in_address.message).toMatch(/sign in/);
    expect(de.error_last_sign_in_address.message).toMatch(/anmeld/);
  });

  it('another 409 stays a server failure with the server’s code alongside', async () => {
    const { deps } = depsAnswering(409, 'conflict');
    await expect(releaseInbox(deps, 'ada2@noise.localhost')).rejects.toMatchObject({
      code: 'server',
      serverCode: 'conflict',
      status: 409,
    });
  });

  it('the sign-in address itself is refused before any request', async () => {
    const { deps, calls } = depsAnswering(200, 'unused');
    await expect(releaseInbox(deps, 'ada@noise.localhost')).rejects.toMatchObject({ code: 'bad_request' });
    expect(calls).toEqual([]);
  });
});
