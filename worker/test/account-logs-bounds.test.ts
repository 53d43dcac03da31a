// docs/api.md "Security log" and "GET /api/v1/relay/messages": the security log answers the
// account's own events newest first, at most 200, and keeps 500 per account (the oldest go); the
// send log answers the newest 100 of the account's own sends. Written through the real writers
// (the relay's), read through the routes, with another account's rows beside them.

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { recordSend } from '../src/relay/send-log.ts';
import { appendSecurityEvent } from '../src/security-log/security-log-table.ts';
import { api, registerAccount } from './support/accounts.ts';

const T0 = Date.UTC(2026, 11, 1);

async function refusals(accountId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await appendSecurityEvent(env.DB, {
      accountId,
      sessionId: null,
      kind: 'relay_sender_refused',
      detail: { from: `n${i}@example.org`, reason: 'not_owned' },
      at: T0 + i,
    });
}

async function sends(accountId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await recordSend(env.DB, {
      id: `${accountId.slice(0, 8)}-${i}`,
      accountId,
      at: T0 + i * 1000,
      mode: 'encrypted',
      sha256: i.toString(16).padStart(64, '0'),
      size: 100 + i,
      recipients: 1,
      delivered: 1,
      status: 'sent',
      delivery: 'raw',
    });
}

describe('the account’s logs are bounded and its own', () => {
  it('security log: 200 newest first answered, 500 kept, another account untouched', async () => {
    const [alice, bob] = [await registerAccount(), await registerAccount()];
    await refusals(bob.accountId, 3);
    await refusals(alice.accountId, 505);
    const res = await api('/api/v1/security-log', { token: alice.session.accessToken });
    expect(res.status).toBe(200);
    const { events } = (await res.json()) as { events: { at: number; detail: { from: string } }[] };
    expect(events).toHaveLength(200);
    expect(events.map((e) => e.detail.from)).toEqual(
      Array.from({ length: 200 }, (_, k) => `n${504 - k}@example.org`),
    );
    const kept = await env.DB.prepare(
      'SELECT count(*) AS n, min(at) AS oldest FROM account_security_log WHERE account_id = ?1',
    )
      .bind(alice.accountId)
      .first<{ n: number; oldest: number }>();
    expect(kept).toEqual({ n: 500, oldest: T0 + 5 });
    const theirs = await api('/api/v1/security-log', { token: bob.session.accessToken });
    expect(((await theirs.json()) as { events: unknown[] }).events).toHaveLength(3);
  });

  it('send log: the newest 100 of the account’s own sends', async () => {
    const [alice, bob] = [await registerAccount(), await registerAccount()];
    await sends(bob.accountId, 5);
    await sends(alice.accountId, 105);
    const res = await api('/api/v1/relay/messages', { token: alice.session.accessToken });
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as { entries: { id: string; at: number }[] };
    expect(entries).toHaveLength(100);
    expect(entries.map((e) => e.at)).toEqual(Array.from({ length: 100 }, (_, k) => T0 + (104 - k) * 1000));
    expect(entries.every((e) => e.id.startsWith(alice.accountId.slice(0, 8)))).toBe(true);
  });
});
