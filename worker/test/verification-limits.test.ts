// Verification mail that cannot be turned against its recipient: limited per client and per
// account before the per-address limit (tagged and case variants of an address count as one),
// saying what confirming proves and that the mail can be ignored, with links built from
// SERVICE_URL and never from the request's Host, and proofs bound to what they were made for.

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../src/app.ts';
import { VERIFICATION_LIMITS } from '../src/verification/routes.ts';
import { api, expectError, registerAccount, registerBody } from './support/accounts.ts';
import { appFetch, proveAddress, readVerificationMail, recordingEnv } from './support/mail-recorder.ts';

function start(e: typeof env, address: string, init: { ip?: string; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.ip) headers['CF-Connecting-IP'] = init.ip;
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  return appFetch(e, '/api/v1/verifications', { method: 'POST', json: { address }, headers });
}

describe('verification mail limits', () => {
  it(`sends at most ${VERIFICATION_LIMITS.perClient.capacity} mails per client, whatever the addresses`, async () => {
    const { env: e, sent } = recordingEnv();
    const ip = '203.0.113.31';
    for (let i = 0; i < VERIFICATION_LIMITS.perClient.capacity; i++)
      expect((await start(e, `client-limit-${i}@example.org`, { ip })).status).toBe(202);
    const refused = await start(e, 'client-limit-x@example.org', { ip });
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    await expectError(refused, 429, 'verification_rate_limited');
    // The refused request spent nothing of the address's own allowance…
    expect((await start(e, 'client-limit-x@example.org', { ip: '203.0.113.32' })).status).toBe(202);
    expect(sent).toHaveLength(VERIFICATION_LIMITS.perClient.capacity + 1);
  });

  it(`sends at most ${VERIFICATION_LIMITS.perAccount.capacity} mails per account, whatever the clients`, async () => {
    const { env: e } = recordingEnv();
    const a = await registerAccount();
    const token = a.session.accessToken;
    for (let i = 0; i < VERIFICATION_LIMITS.perAccount.capacity; i++)
      expect(
        (await start(e, `account-limit-${i}@example.org`, { token, ip: `198.51.100.${i + 1}` })).status,
      ).toBe(202);
    await expectError(
      await start(e, 'account-limit-x@example.org', { token, ip: '198.51.100.99' }),
      429,
      'verification_rate_limited',
    );
    // Without the session it is a start for a new account, counted for no account.
    expect((await start(e, 'account-limit-x@example.org', { ip: '198.51.100.99' })).status).toBe(202);
  });

  it('counts tagged and case variants of an address as one address', async () => {
    const { env: e, sent } = recordingEnv();
    expect((await start(e, 'Zed+first@Example.org')).status).toBe(202);
    for (const variant of ['zed@example.org', 'ZED+second@example.org', 'zed+@EXAMPLE.ORG'])
      await expectError(await start(e, variant), 429, 'verification_rate_limited');
    expect(sent).toHaveLength(1);
  });
});

describe('what the mail says', () => {
  it('a new account: says so, that the mail can be ignored, and the link page says the same', async () => {
    const { env: e, sent } = recordingEnv();
    expect((await start(e, 'newcomer@example.org')).status).toBe(202);
    const mail = await readVerificationMail(sent[0]!);
    const text = mail.parsed.text ?? '';
    expect(text).toContain('creates a new Noise Email account for newcomer@example.org');
    expect(text).toContain('If you did not ask for this, ignore this message');
    const page = await (await appFetch(e, mail.linkPath, { headers: { Accept: 'text/html' } })).text();
    expect(page).toContain('creates a new Noise Email account for newcomer@example.org');
    expect(page).toContain('If you did not ask for this, ignore this message');
  });

  it('an account adding the address: names the fingerprint of the key that would be published', async () => {
    const { env: e, sent } = recordingEnv();
    const a = await registerAccount();
    const grouped = (fpr: string) => fpr.match(/.{4}/g)!.join(' ');
    const keyOfA = (
      (await (await api(`/api/v1/lookup/by-email/${a.address}`)).json()) as { fingerprint: string }
    ).fingerprint;
    expect((await start(e, 'added@example.org', { token: a.session.accessToken })).status).toBe(202);
    const mail = await readVerificationMail(sent[0]!);
    expect(mail.parsed.text).toContain(`fingerprint ${grouped(keyOfA)}`);
    expect(mail.parsed.text).toContain('ignore this message');
    const page = await (await appFetch(e, mail.linkPath, { headers: { Accept: 'text/html' } })).text();
    expect(page).toContain(`fingerprint ${grouped(keyOfA)}`);
  });

  it('builds links from SERVICE_URL, never from the Host the request names', async () => {
    const { env: e, sent } = recordingEnv();
    const res = await app.request(
      'https://attacker.example/api/v1/verifications',
      {
        method: 'POST',
        body: JSON.stringify({ address: 'hosted@example.org' }),
        headers: {
          'Content-Type': 'application/json',
          Host: 'attacker.example',
          'X-Forwarded-Host': 'attacker.example',
        },
      },
      e,
    );
    expect(res.status).toBe(202);
    const { link } = await readVerificationMail(sent[0]!);
    expect(link.startsWith(`${env.SERVICE_URL}/api/v1/verifications/link/`)).toBe(true);
    expect(link).not.toContain('attacker.example');
  });
});

describe('proofs are bound to their purpose', () => {
  it('a proof for a new account cannot add the address to an account, nor one account’s proof to another', async () => {
    const { env: e, sent } = recordingEnv();
    const a = await registerAccount();
    const b = await registerAccount();
    const forNewAccount = await proveAddress(e, sent, 'bound-1@example.org');
    await expectError(
      await api('/api/v1/account/addresses', {
        method: 'POST',
        token: a.session.accessToken,
        json: { address: 'bound-1@example.org', proofToken: forNewAccount },
      }),
      403,
      'invalid_proof',
    );
    const forA = await proveAddress(e, sent, 'bound-2@example.org', a.session.accessToken);
    await expectError(
      await api('/api/v1/account/addresses', {
        method: 'POST',
        token: b.session.accessToken,
        json: { address: 'bound-2@example.org', proofToken: forA },
      }),
      403,
      'invalid_proof',
    );
    await expectError(
      await api('/api/v1/accounts', {
        method: 'POST',
        json: await registerBody('bound-2@example.org', { proofToken: forA }),
      }),
      403,
      'invalid_proof',
    );
    const added = await api('/api/v1/account/addresses', {
      method: 'POST',
      token: a.session.accessToken,
      json: { address: 'bound-2@example.org', proofToken: forA },
    });
    expect(added.status).toBe(201);
  });
});
