// Watching an inbox without a session (docs/api.md "Watching an inbox"): a token made with the
// account's session answers the cursor and unread count, 304 while they hold, and nothing else;
// it is refused for another inbox, after a release, and when wrong, and the refusal does not say
// whether the address is an inbox. Only the newest eight tokens stay. Random requests never 5xx.

import { SELF } from 'cloudflare:test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiClient, isApiClientError, memorySessionStore } from '../../shared/api/client.ts';
import { WatchResponse } from '../../shared/api/inbox.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { addInbox, type InboxAccount, inboxAccount, inboxApi } from './inbox-support/inbox-account.ts';
import { BASE } from './support/accounts.ts';

const workerFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  SELF.fetch(input, init)) as typeof fetch;

const client = (who: InboxAccount) =>
  apiClient({ baseUrl: BASE, fetch: workerFetch, session: memorySessionStore(who.session) });
const anonymous = () => apiClient({ baseUrl: BASE, fetch: workerFetch, session: memorySessionStore() });

function watchGet(address: string, authorization?: string, headers: Record<string, string> = {}) {
  return SELF.fetch(`${BASE}/api/v1/watch/${encodeURIComponent(address)}`, {
    headers: { ...(authorization ? { Authorization: authorization } : {}), ...headers },
  });
}

describe('watching an inbox', () => {
  it('a token answers the cursor and the unread count without a session, 304 while they hold', async () => {
    const alice = await inboxAccount('watch');
    const { token } = await client(alice).inbox.watchToken(alice.address);
    const watcher = anonymous();
    const empty = await watcher.inbox.watch(alice.address, token);
    expect(empty).toEqual({ cursor: 0, unread: 0 });
    expect(await watcher.inbox.watch(alice.address, token, empty!)).toBeNull();

    await deliver(addressed(plainEml, alice.address), alice.address);
    const one = await watcher.inbox.watch(alice.address, token, empty!);
    expect(one).toEqual({ cursor: 1, unread: 1 });
    // Read: the count follows (the cursor too: a flag change is a change).
    const { messages } = await client(alice).inbox.list(alice.address);
    await client(alice).inbox.setFlags(alice.address, messages[0]!.id, { read: true });
    expect((await watcher.inbox.watch(alice.address, token, one!))?.unread).toBe(0);
    // The answer holds nothing else: exactly the two numbers.
    const res = await watchGet(alice.address, `Watch ${token}`);
    expect(Object.keys(await res.json()).sort()).toEqual(['cursor', 'unread']);
    expect(res.headers.get('Cache-Control')).toBe('no-store');
  });

  it('refuses a wrong token, another inbox, an unknown address and a released one alike', async () => {
    const alice = await inboxAccount('watch-a');
    const bob = await inboxAccount('watch-b');
    const { token } = await client(alice).inbox.watchToken(alice.address);
    const bad = [
      await watchGet(alice.address, `Watch ${'A'.repeat(43)}`),
      await watchGet(bob.address, `Watch ${token}`),
      await watchGet('nobody-here@noise.localhost', `Watch ${token}`),
    ];
    for (const r of bad) {
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({
        error: { code: 'invalid_watch_token', message: 'This watch token does not watch that inbox.' },
      });
    }
    // A session's bearer token is no watch token, and no token at all is refused.
    expect((await watchGet(alice.address, `Bearer ${alice.token}`)).status).toBe(401);
    expect((await watchGet(alice.address)).status).toBe(401);
    // Another account cannot make a token for alice's inbox.
    const other = await client(bob)
      .inbox.watchToken(alice.address)
      .catch((e: unknown) => e);
    expect(isApiClientError(other, 'inbox_not_found')).toBe(true);
    // Released (a second address keeps the account reachable): the token is worth nothing any more.
    await addInbox(alice);
    await client(alice).inbox.release(alice.address);
    expect((await watchGet(alice.address, `Watch ${token}`)).status).toBe(401);
  });

  it('keeps the newest eight tokens', async () => {
    const alice = await inboxAccount('watch-cap');
    const tokens: string[] = [];
    for (let i = 0; i < 9; i++) tokens.push((await client(alice).inbox.watchToken(alice.address)).token);
    expect((await watchGet(alice.address, `Watch ${tokens[0]}`)).status).toBe(401);
    for (const t of tokens.slice(1)) expect((await watchGet(alice.address, `Watch ${t}`)).status).toBe(200);
  });

  it('fuzz: random addresses, headers and methods never answer 5xx', async () => {
    const alice = await inboxAccount('watch-fuzz');
    const { token } = await client(alice).inbox.watchToken(alice.address);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD'),
        fc.oneof(fc.constant(alice.address), fc.string({ maxLength: 40 })),
        fc.oneof(
          fc.constant(`Watch ${token}`),
          fc.string({ maxLength: 60 }).map((s) => `Watch ${s}`),
          fc.string({ maxLength: 60 }),
        ),
        fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
        async (method, address, authorization, ifNoneMatch) => {
          const res = await SELF.fetch(`${BASE}/api/v1/watch/${encodeURIComponent(address)}`, {
            method,
            headers: {
              ...(/^[\t\x20-\x7e]*$/.test(authorization) ? { Authorization: authorization } : {}),
              ...(ifNoneMatch !== undefined && /^[\t\x20-\x7e]*$/.test(ifNoneMatch)
                ? { 'If-None-Match': ifNoneMatch }
                : {}),
            },
          });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400 && method !== 'HEAD')
            expect(((await res.json()) as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
          if (res.status === 200 && method === 'GET') WatchResponse.parse(await res.json());
        },
      ),
      { numRuns: 60 },
    );
    // The token route too: only for the owner, only POST.
    expect((await inboxApi(alice, '/watch', { method: 'GET' })).status).toBe(404);
  });
});
