import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { AccountResponse, RegisterResponse } from '../../shared/api/accounts.ts';
import {
  api,
  expectError,
  freshInbox,
  publicKeyFor,
  registerAccount,
  registerBody,
} from './support/accounts.ts';

describe('registration', () => {
  it('creates an account with a verified service inbox, a session and the published key', async () => {
    const address = freshInbox('alice');
    const body = await registerBody(address);
    const res = await api('/api/v1/accounts', { method: 'POST', json: body });
    expect(res.status).toBe(201);
    const out = RegisterResponse.parse(await res.json());
    expect(out.addresses).toEqual([{ address, kind: 'service', verifiedAt: expect.any(Number) }]);
    expect(out.fingerprint).toMatch(/^[0-9A-F]{40}$/);

    const me = await api('/api/v1/account', { token: out.session.accessToken });
    const info = AccountResponse.parse(await me.json());
    expect(info.accountId).toBe(out.accountId);
    expect(info.vaultVersion).toBe(1);

    // The server stores only a salted hash of the auth key.
    const row = await env.DB.prepare('SELECT * FROM accounts WHERE id = ?1')
      .bind(out.accountId)
      .first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(body.authKey);
  });

  it('refuses a taken address, reserved names and bad local parts', async () => {
    const taken = await registerAccount();
    await expectError(
      await api('/api/v1/accounts', { method: 'POST', json: await registerBody(taken.address) }),
      409,
      'address_taken',
    );
    for (const local of ['postmaster', 'admin', 'abuse']) {
      const address = `${local}@noise.localhost`;
      await expectError(
        await api('/api/v1/accounts', { method: 'POST', json: await registerBody(address) }),
        400,
        'reserved_address',
      );
    }
    // An address, but not an inbox name: the service's own local-part rule refuses it.
    const odd = 'a+b@noise.localhost';
    await expectError(
      await api('/api/v1/accounts', { method: 'POST', json: await registerBody(odd) }),
      400,
      'invalid_address',
    );
    // Not an address at all (docs/api.md, Addresses: no obsolete dots): the schema refuses it.
    await expectError(
      await api('/api/v1/accounts', { method: 'POST', json: await registerBody('a..b@noise.localhost') }),
      400,
      'invalid_request',
    );
  });

  it('refuses an external address without a proof', async () => {
    const res = await api('/api/v1/accounts', {
      method: 'POST',
      json: await registerBody('bob@example.org'),
    });
    await expectError(res, 400, 'proof_required');
    const forged = await api('/api/v1/accounts', {
      method: 'POST',
      json: await registerBody('bob@example.org', { proofToken: 'A'.repeat(43) }),
    });
    await expectError(forged, 403, 'invalid_proof');
  });

  it('refuses unknown fields and leaves no account behind when the keys are refused', async () => {
    const address = freshInbox('strict');
    await expectError(
      await api('/api/v1/accounts', {
        method: 'POST',
        json: { ...(await registerBody(address)), admin: true },
      }),
      400,
      'invalid_request',
    );
    // A key for another address cannot be published for this one.
    const wrongKey = await publicKeyFor('someone@else.example');
    const res = await api('/api/v1/accounts', {
      method: 'POST',
      json: await registerBody(address, { keys: { openpgpKey: wrongKey } }),
    });
    expect(res.status).toBe(400);
    const left = await env.DB.prepare('SELECT count(*) AS n FROM addresses WHERE address = ?1')
      .bind(address)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it('adds a further service inbox to an account', async () => {
    const a = await registerAccount();
    const extra = freshInbox('second');
    const res = await api('/api/v1/account/addresses', {
      method: 'POST',
      json: { address: extra },
      token: a.session.accessToken,
    });
    expect(res.status).toBe(201);
    const me = AccountResponse.parse(
      await (await api('/api/v1/account', { token: a.session.accessToken })).json(),
    );
    expect(me.addresses.map((x) => x.address)).toEqual([a.address, extra]);
  });
});
