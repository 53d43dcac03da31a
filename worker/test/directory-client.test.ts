// The directory calls of the one API client (shared/api/directory-client.ts) against the real
// Worker in workerd.

import { SELF } from 'cloudflare:test';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { apiClient, isApiClientError, memorySessionStore } from '../../shared/api/client.ts';
import {
  BASE,
  newOpenpgpKey,
  oneTimePrekeyBatch,
  registerAccount,
  signedPrekey,
} from './directory-support/accounts.ts';

const viaWorker = (input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init);

/** A client holding only an access token (no refresh token worth trying). */
function directoryClient(o: { baseUrl: string; accessToken?: string; fetch: typeof viaWorker }) {
  const far = Date.now() + 3_600_000;
  const session = o.accessToken
    ? memorySessionStore({
        sessionId: 's',
        accountId: 'a',
        accessToken: o.accessToken,
        accessExpiresAt: far,
        refreshToken: 'r'.repeat(43),
        refreshExpiresAt: far,
      })
    : memorySessionStore();
  return apiClient({ baseUrl: o.baseUrl, fetch: o.fetch, session }).directory;
}

describe('directory client', () => {
  it('publishes, manages prekeys, fetches bundles and looks keys up', async () => {
    const a = await registerAccount({ oneTimePrekeys: 1 });
    const client = directoryClient({
      baseUrl: `${BASE}/`,
      accessToken: a.token,
      fetch: viaWorker,
    });
    const next = await newOpenpgpKey([{ email: a.address }]);
    const published = await client.publishKeys({ openpgpKey: next.publicKey.armor() });
    expect(published.fingerprint).toBe(next.publicKey.getFingerprint().toUpperCase());
    expect((await client.uploadSignedPrekey(signedPrekey(a.signingSecret!, 7))).id).toBe(7);
    expect((await client.uploadOneTimePrekeys(oneTimePrekeyBatch(50, 2))).oneTimePrekeys).toBe(3);
    expect((await client.prekeyStock()).signedPrekey?.id).toBe(7);
    const bundle = await client.fetchBundle(a.address);
    expect(bundle).toMatchObject({ noOneTimePrekey: false, remaining: 2 });
    const looked = await client.lookupByEmail(a.address);
    expect(looked?.fingerprint).toBe(published.fingerprint);
    // The lookup carries the same envelope identity as the bundle, and spent no prekey.
    expect(looked?.envelopeIdentity).toEqual(bundle.identity);
    expect((await client.prekeyStock()).oneTimePrekeys).toBe(2);
    expect((await client.lookupByFingerprint(published.fingerprint))?.addresses).toEqual([a.address]);
    expect(await client.lookupByEmail('absent@noise.localhost')).toBeNull();
    const { publicKey: revokedKey } = await openpgp.revokeKey({ key: next.privateKey, format: 'armored' });
    expect(await client.publishRevocation(revokedKey)).toEqual({
      fingerprint: published.fingerprint,
      revoked: true,
    });
  });

  it('turns error responses into ApiClientError with the server code', async () => {
    const client = directoryClient({ baseUrl: BASE, accessToken: 'x'.repeat(43), fetch: viaWorker });
    // The 401 makes the client try its refresh token, which the server does not know either.
    const e = await client.prekeyStock().catch((err) => err);
    expect(isApiClientError(e, 'invalid_refresh_token')).toBe(true);
    expect(e.status).toBe(401);
    const bad = await client.lookupByFingerprint('nothex').catch((err) => err);
    expect(isApiClientError(bad, 'invalid_fingerprint')).toBe(true);
    const anonymous = directoryClient({ baseUrl: BASE, fetch: viaWorker });
    expect(isApiClientError(await anonymous.prekeyStock().catch((err) => err), 'unauthorized')).toBe(true);
  });
});
