// The typed inbox client (shared/api/inbox-client.ts, the API client's `inbox`) against the real
// Worker: every call, its validation, and the re-encryption round trip phase 2 builds on.

import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { apiClient, isApiClientError, memorySessionStore } from '../../shared/api/client.ts';
import { fromBase64Url } from '../../shared/encoding.ts';
import {
  generateInboxKey,
  KIND_BODY,
  KIND_SUMMARY,
  openObject,
  sealObject,
} from '../../shared/mailbox/index.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { addInbox, inboxAccount, openSealed } from './inbox-support/inbox-account.ts';
import { BASE } from './support/accounts.ts';

const workerFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
  SELF.fetch(input, init)) as typeof fetch;

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('inbox client', () => {
  it('lists, reads, re-encrypts under the inbox key, polls, flags, deletes and releases', async () => {
    const alice = await inboxAccount('client');
    const client = apiClient({
      baseUrl: BASE,
      fetch: workerFetch,
      session: memorySessionStore(alice.session),
    });
    const raw = addressed(plainEml, alice.address);
    await deliver(raw, alice.address);

    const { messages, next } = await client.inbox.list(alice.address, { limit: 10 });
    expect(next).toBeNull();
    const m = messages[0]!;
    const body = await client.inbox.body(alice.address, m.id);
    expect(body).toMatchObject({ format: 'pgp', version: 1, size: m.size, length: m.size });
    expect(await openSealed(alice, await bytesOf(body.stream))).toEqual(raw);
    const part = await client.inbox.body(alice.address, m.id, { offset: 0, length: 45 });
    expect(part).toMatchObject({ length: 45, size: m.size });
    await bytesOf(part.stream);

    const { cursor } = (await client.inbox.changes(alice.address, 0))!;
    expect(await client.inbox.changes(alice.address, cursor)).toBeNull();

    const key = generateInboxKey();
    const summaryPlain = await openSealed(alice, fromBase64Url(m.summary));
    const sealed = {
      summary: await sealObject(key, { kind: KIND_SUMMARY, messageId: m.id }, summaryPlain),
      body: await sealObject(key, { kind: KIND_BODY, messageId: m.id }, raw),
    };
    const replaced = await client.inbox.replace(alice.address, m.id, 1, sealed);
    expect(replaced).toMatchObject({ format: 'inbox-v1', version: 2 });
    const again = await client.inbox.body(alice.address, m.id);
    expect(await openObject(key, { kind: KIND_BODY, messageId: m.id }, await bytesOf(again.stream))).toEqual(
      raw,
    );
    const stale = await client.inbox.replace(alice.address, m.id, 1, sealed).catch((e: unknown) => e);
    expect(isApiClientError(stale, 'version_conflict')).toBe(true);
    expect((stale as { etag?: string }).etag).toBe('"v2"');

    expect((await client.inbox.changes(alice.address, cursor))?.changes.map((c) => c.id)).toEqual([m.id]);
    expect((await client.inbox.setFlags(alice.address, m.id, { starred: true })).flags.starred).toBe(true);
    expect((await client.inbox.overview()).inboxes[0]).toMatchObject({ address: alice.address, messages: 1 });
    await client.inbox.remove(alice.address, m.id);
    expect((await client.inbox.list(alice.address)).messages).toEqual([]);
    // The last sign-in address cannot go; with a second one it can.
    const last = await client.inbox.release(alice.address).catch((e: unknown) => e);
    expect(isApiClientError(last, 'last_sign_in_address')).toBe(true);
    await addInbox(alice);
    await client.inbox.release(alice.address);
    const gone = await client.inbox.list(alice.address).catch((e: unknown) => e);
    expect(isApiClientError(gone, 'inbox_not_found')).toBe(true);
  });
});
