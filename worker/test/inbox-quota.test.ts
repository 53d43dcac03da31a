// Inbox squatting (worker/src/accounts/inbox-quota.ts): service-domain inboxes need no mail
// round trip, so each account holds at most INBOX_LIMITS.perAccount of them and each client
// (CF-Connecting-IP, IPv6 by /64) claims at most INBOX_LIMITS.perClient.capacity at once (a token
// bucket that refills over a day).
import { describe, expect, it } from 'vitest';
import { AccountResponse, RegisterResponse } from '../../shared/api/accounts.ts';
import { INBOX_LIMITS } from '../src/accounts/inbox-quota.ts';
import { edgeClient as claimingClient } from '../src/lookup/client-key.ts';
import { api, expectError, freshInbox, publicKeyFor, registerBody } from './support/accounts.ts';
import { appFetch, proveAddress, recordingEnv } from './support/mail-recorder.ts';

async function register(address: string, ip?: string): Promise<Response> {
  return api('/api/v1/accounts', {
    method: 'POST',
    json: await registerBody(address),
    headers: ip ? { 'CF-Connecting-IP': ip } : {},
  });
}

describe('inbox limits', () => {
  it('keys claims by client, IPv6 by /64, and not at all for loopback or a missing header', () => {
    expect(claimingClient('2001:db8:1:2::1')).toBe(claimingClient('2001:db8:1:2:ffff::9'));
    expect(claimingClient(' 192.0.2.7 ')).toBe('192.0.2.7');
    for (const local of [undefined, '', '127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
      expect(claimingClient(local)).toBeUndefined();
  });

  it(`caps inbox registrations per client and day at ${INBOX_LIMITS.perClient.capacity}, IPv6 by /64`, async () => {
    for (let i = 0; i < INBOX_LIMITS.perClient.capacity; i++) {
      const res = await register(freshInbox('claim'), `2001:db8:7:7::${i + 1}`);
      expect(res.status).toBe(201);
    }
    // Another address in the same /64 is the same client.
    const refused = await register(freshInbox('claim'), '2001:db8:7:7:ffff::1');
    expect(refused.headers.get('Retry-After')).toMatch(/^\d+$/);
    const wait = Number(refused.headers.get('Retry-After'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(24 * 3600);
    await expectError(refused, 429, 'too_many_inboxes');
    // Another client is not affected, nor is a refused name counted (reserved → 400 first).
    expect((await register(freshInbox('claim'), '2001:db8:7:8::1')).status).toBe(201);
    await expectError(await register('postmaster@noise.localhost', '192.0.2.50'), 400, 'reserved_address');
    for (let i = 0; i < INBOX_LIMITS.perClient.capacity; i++)
      expect((await register(freshInbox('claim'), '192.0.2.50')).status).toBe(201);
  });

  it(`caps an account at ${INBOX_LIMITS.perAccount} inboxes, whatever the client`, async () => {
    const first = RegisterResponse.parse(await (await register(freshInbox('owner'))).json());
    const token = first.session.accessToken;
    for (let i = 1; i < INBOX_LIMITS.perAccount; i++) {
      const res = await api('/api/v1/account/addresses', {
        method: 'POST',
        json: { address: freshInbox('more') },
        token,
        headers: { 'CF-Connecting-IP': `198.51.100.${i}` },
      });
      expect(res.status).toBe(201);
    }
    await expectError(
      await api('/api/v1/account/addresses', {
        method: 'POST',
        json: { address: freshInbox('more') },
        token,
        headers: { 'CF-Connecting-IP': '198.51.100.99' },
      }),
      403,
      'inbox_limit',
    );
  });

  it('holds the per-account cap under concurrency: 4 concurrent adds to an account leave exactly 3 inboxes', async () => {
    const { env: e, sent } = recordingEnv();
    const address = 'race-owner@example.org';
    const proofToken = await proveAddress(e, sent, address);
    const reg = await appFetch(e, '/api/v1/accounts', {
      method: 'POST',
      json: await registerBody(address, { proofToken }),
    });
    expect(reg.status).toBe(201);
    const token = RegisterResponse.parse(await reg.json()).session.accessToken;
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        api('/api/v1/account/addresses', {
          method: 'POST',
          json: { address: freshInbox('race') },
          token,
          headers: { 'CF-Connecting-IP': `198.51.100.${60 + i}` },
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 403]);
    const account = AccountResponse.parse(await (await api('/api/v1/account', { token })).json());
    expect(account.addresses.filter((a) => a.kind === 'service')).toHaveLength(INBOX_LIMITS.perAccount);
  });

  it('failed registrations use up none of the client’s inbox claims', async () => {
    const ip = '203.0.113.77';
    // Keys that cannot be published: each registration fails after the address was admitted.
    for (let i = 0; i < INBOX_LIMITS.perClient.capacity + 3; i++) {
      const address = freshInbox('fail');
      const res = await api('/api/v1/accounts', {
        method: 'POST',
        json: await registerBody(address, { keys: { openpgpKey: await publicKeyFor('other@example.org') } }),
        headers: { 'CF-Connecting-IP': ip },
      });
      await expectError(res, 400, 'no_matching_user_id');
    }
    for (let i = 0; i < INBOX_LIMITS.perClient.capacity; i++)
      expect((await register(freshInbox('after'), ip)).status).toBe(201);
    await expectError(await register(freshInbox('after'), ip), 429, 'too_many_inboxes');
  });

  it('a request without CF-Connecting-IP or from loopback (local dev, no edge) has only the per-account cap', async () => {
    for (let i = 0; i < INBOX_LIMITS.perClient.capacity + 2; i++) {
      expect((await register(freshInbox('local'))).status).toBe(201);
      expect((await register(freshInbox('local'), '127.0.0.1')).status).toBe(201);
      expect((await register(freshInbox('local'), '::1')).status).toBe(201);
    }
  });
});
