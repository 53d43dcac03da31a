// docs/api.md "Addresses": the normal form (trimmed, NFC, lowercased whole) is the identity, on
// every route. An inbox is the same inbox however a client spells its case, for the inbox API,
// the watch route and inbound mail; a form that is no address (quoted, a domain literal, an
// obsolete dotted form, a non-ASCII domain) is refused with 4xx JSON, never a 5xx. Inbox names
// themselves are ASCII only, so NFC cannot split one inbox in two.

import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MessageListResponse, WatchResponse } from '../../shared/api/inbox.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount } from './inbox-support/inbox-account.ts';
import { api, BASE, expectError } from './support/accounts.ts';

/** The same address as a client might type it. */
const spellings = (address: string) => [
  address.toUpperCase(),
  address.replace(/^./, (c) => c.toUpperCase()),
  address.replace(/@.*/, (d) => d.toUpperCase()),
];

const asOwner = (who: InboxAccount, address: string, path: string, init: RequestInit = {}) =>
  api(`/api/v1/inboxes/${encodeURIComponent(address)}${path}`, { ...init, token: who.token });

const watch = (address: string, token: string) =>
  SELF.fetch(`${BASE}/api/v1/watch/${encodeURIComponent(address)}`, {
    headers: { Authorization: `Watch ${token}` },
  });

describe('an inbox is one inbox however its address is spelled', () => {
  it('the inbox API, the watch route and inbound mail agree on the normal form', async () => {
    const alice = await inboxAccount('case');
    // A non-ASCII inbox name is no inbox name.
    const umlaut = await api('/api/v1/account/addresses', {
      method: 'POST',
      json: { address: 'jörg@noise.localhost' },
      token: alice.token,
    });
    await expectError(umlaut, 400, 'invalid_address');

    // Mail addressed in another spelling reaches the same mailbox.
    const raw = addressed(plainEml, alice.address);
    expect(await deliver(raw, alice.address.toUpperCase())).toEqual({
      rejected: undefined,
      threw: undefined,
    });

    const res = await asOwner(alice, alice.address, '/watch', { method: 'POST' });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    const canonical = WatchResponse.parse(await (await watch(alice.address, token)).json());
    expect(canonical).toEqual({ cursor: 1, unread: 1 });

    for (const spelled of spellings(alice.address)) {
      const list = await asOwner(alice, spelled, '/messages');
      expect(list.status, spelled).toBe(200);
      expect(MessageListResponse.parse(await list.json()).messages).toHaveLength(1);
      const watched = await watch(spelled, token);
      expect(watched.status, spelled).toBe(200);
      expect(WatchResponse.parse(await watched.json())).toEqual(canonical);
    }
    // The listing names the inbox in its normal form only.
    const inboxes = (await (await api('/api/v1/inboxes', { token: alice.token })).json()) as {
      inboxes: { address: string }[];
    };
    expect(inboxes.inboxes.map((i) => i.address)).toEqual([alice.address]);
  });

  it('forms that are not addresses are 400 on the inbox API and refused on the watch route', async () => {
    const alice = await inboxAccount('forms');
    const [local] = alice.address.split('@') as [string];
    const res = await asOwner(alice, alice.address, '/watch', { method: 'POST' });
    const { token } = (await res.json()) as { token: string };
    for (const bad of [
      `"${local}"@noise.localhost`,
      `${local}@[127.0.0.1]`,
      `${local}..x@noise.localhost`,
      `${local}@noise.localhost.`,
      `${'a'.repeat(65)}@noise.localhost`,
      `${local}@nöise.localhost`,
      `${local}\u0000@noise.localhost`,
    ]) {
      await expectError(await asOwner(alice, bad, '/messages'), 400, 'invalid_request');
      const w = await watch(bad, token);
      expect(w.status, bad).toBeGreaterThanOrEqual(400);
      expect(w.status, bad).toBeLessThan(500);
      expect(((await w.json()) as { error: { code: string } }).error.code).toMatch(
        /^(invalid_request|invalid_watch_token)$/,
      );
    }
  });
});
