import { describe, expect, it } from 'vitest';
import { KdfResponse, PutVaultResponse, SessionTokens, VaultResponse } from '../../shared/api/accounts.ts';
import { fromBase64Url, fromUtf8 } from '../../shared/encoding.ts';
import { api, expectError, login, newKdf, randomB64u, registerAccount, vaultOf } from './support/accounts.ts';

function put(token: string, vault: string, ifMatch?: string) {
  return api('/api/v1/vault', {
    method: 'PUT',
    token,
    json: { vault },
    headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch },
  });
}

async function get(token: string) {
  const res = await api('/api/v1/vault', { token });
  return { etag: res.headers.get('ETag'), body: VaultResponse.parse(await res.json()) };
}

const items = (vault: string): string[] =>
  (JSON.parse(fromUtf8(fromBase64Url(vault))) as { items: string[] }).items;

describe('vault', () => {
  it('reads with an ETag and writes with If-Match (428 without, 412 on conflict)', async () => {
    const a = await registerAccount();
    const t = a.session.accessToken;
    const v1 = await get(t);
    expect(v1.body.version).toBe(1);
    expect(v1.etag).toBe('"1"');
    await expectError(await put(t, vaultOf({ items: ['x'] })), 428, 'if_match_required');
    await expectError(await put(t, vaultOf({ items: ['x'] }), 'W/"1"'), 400, 'invalid_if_match');
    const ok = await put(t, vaultOf({ items: ['x'] }), '"1"');
    expect(PutVaultResponse.parse(await ok.json()).version).toBe(2);
    expect(ok.headers.get('ETag')).toBe('"2"');
    const stale = await put(t, vaultOf({ items: ['y'] }), '"1"');
    await expectError(stale, 412, 'vault_conflict');
    expect(stale.headers.get('ETag')).toBe('"2"');
    expect(items((await get(t)).body.vault)).toEqual(['x']);
  });

  it('loses no update with 20 concurrent writers that merge and retry on 412', async () => {
    const a = await registerAccount();
    const t = a.session.accessToken;
    let conflicts = 0;
    async function writer(id: string) {
      for (let attempt = 0; attempt < 200; attempt++) {
        const { body } = await get(t);
        const merged = [...items(body.vault), id];
        const res = await put(t, vaultOf({ items: merged }), `"${body.version}"`);
        if (res.status === 200) return;
        expect(res.status).toBe(412);
        await res.body?.cancel();
        conflicts++;
        // Jittered backoff, as the extension does, so retries do not stampede.
        await new Promise((r) => setTimeout(r, Math.random() * 15 * Math.min(attempt + 1, 8)));
      }
      throw new Error(`writer ${id} never won`);
    }
    const ids = Array.from({ length: 20 }, (_, i) => `w${i}`);
    await Promise.all(ids.map(writer));
    const final = await get(t);
    expect(items(final.body.vault).sort()).toEqual([...ids].sort());
    expect(final.body.version).toBe(21);
    expect(conflicts).toBeGreaterThan(0); // the writers really raced
  });

  it('refuses a vault over 1 MiB with 413', async () => {
    const a = await registerAccount();
    const big = 'A'.repeat(1024 * 1024 * 2);
    await expectError(await put(a.session.accessToken, big, '"1"'), 413, 'body_too_large');
    // Just over the limit inside the body cap: refused by the schema.
    const over = 'A'.repeat(Math.ceil((1024 * 1024 * 4) / 3) + 4);
    const res = await put(a.session.accessToken, over, '"1"');
    expect([400, 413]).toContain(res.status);
  });
});

describe('passphrase change', () => {
  it('swaps auth key, KDF params and vault atomically and revokes the other sessions', async () => {
    const a = await registerAccount();
    const other = SessionTokens.parse(await (await login(a.address, a.authKey, '192.0.2.70')).json());
    const newAuthKey = randomB64u(32);
    const kdf = newKdf();
    const wrong = await api('/api/v1/account/passphrase', {
      method: 'POST',
      token: a.session.accessToken,
      json: {
        currentAuthKey: randomB64u(32),
        newAuthKey,
        kdf,
        vault: vaultOf({ items: ['re'] }),
        vaultVersion: 1,
      },
    });
    await expectError(wrong, 403, 'invalid_credentials');
    const stale = await api('/api/v1/account/passphrase', {
      method: 'POST',
      token: a.session.accessToken,
      json: {
        currentAuthKey: a.authKey,
        newAuthKey,
        kdf,
        vault: vaultOf({ items: ['re'] }),
        vaultVersion: 7,
      },
    });
    await expectError(stale, 412, 'vault_conflict');
    // Nothing changed by the refused attempts.
    expect((await login(a.address, a.authKey, '192.0.2.71')).status).toBe(200);

    const res = await api('/api/v1/account/passphrase', {
      method: 'POST',
      token: a.session.accessToken,
      json: {
        currentAuthKey: a.authKey,
        newAuthKey,
        kdf,
        vault: vaultOf({ items: ['re'] }),
        vaultVersion: 1,
      },
    });
    expect(res.status).toBe(200);
    expect(PutVaultResponse.parse(await res.json()).version).toBe(2);

    await expectError(await login(a.address, a.authKey, '192.0.2.72'), 401);
    expect((await login(a.address, newAuthKey, '192.0.2.72')).status).toBe(200);
    const params = await api('/api/v1/auth/kdf', { method: 'POST', json: { address: a.address } });
    expect(KdfResponse.parse(await params.json()).kdf).toEqual(kdf);
    expect(items((await get(a.session.accessToken)).body.vault)).toEqual(['re']);
    // The other device's session is gone; the current one lives.
    await expectError(await api('/api/v1/vault', { token: other.accessToken }), 401);
    expect((await api('/api/v1/vault', { token: a.session.accessToken })).status).toBe(200);
  });
});
