// The inbox API (docs/api.md, inboxes) against real arrivals: list paging, summaries, bodies
// with Range, replace under the inbox key with compare-and-swap, flags, delete, changes with
// 304/ETag, and the owner check.

import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChangesResponse,
  frameReplacement,
  InboxMessage,
  MessageListResponse,
} from '../../shared/api/inbox.ts';
import { fromBase64Url, utf8 } from '../../shared/encoding.ts';
import {
  decodeSummary,
  generateInboxKey,
  KIND_BODY,
  KIND_SUMMARY,
  openObject,
  sealObject,
} from '../../shared/mailbox/index.ts';
import { mailboxPrefix } from '../src/mailbox/body-objects.ts';
import { mailboxStub } from '../src/mailbox/stub.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount, inboxApi, openSealed } from './inbox-support/inbox-account.ts';
import { api, expectError } from './support/accounts.ts';

let alice: InboxAccount;
let mallory: InboxAccount;
const raws = new Map<string, Uint8Array>();

function numbered(n: number, to: string): Uint8Array {
  return addressed(plainEml.replace('Message-ID: <plain-', `Message-ID: <n${n}-`), to);
}

async function list(who: InboxAccount, query = ''): Promise<MessageListResponse> {
  const res = await inboxApi(who, `/messages${query}`);
  expect(res.status).toBe(200);
  return MessageListResponse.parse(await res.json());
}

beforeAll(async () => {
  [alice, mallory] = await Promise.all([inboxAccount('alice'), inboxAccount('mallory')]);
  for (let n = 0; n < 5; n++) {
    const raw = numbered(n, alice.address);
    expect((await deliver(raw, alice.address)).threw).toBeUndefined();
    // received_at is in ms: one arrival per tick keeps "newest first" observable.
    await new Promise((r) => setTimeout(r, 3));
    const page = await list(alice, '?limit=1');
    raws.set(page.messages[0]!.id, raw);
  }
});

describe('inbox API: list and read', () => {
  it('lists newest first, in pages joined by the cursor', async () => {
    const seen: InboxMessage[] = [];
    let query = '?limit=2';
    for (;;) {
      const page = await list(alice, query);
      seen.push(...page.messages);
      if (!page.next) break;
      query = `?limit=2&before=${page.next}`;
    }
    expect(seen).toHaveLength(5);
    const times = seen.map((m) => m.receivedAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(new Set(seen.map((m) => m.id)).size).toBe(5);
    const ids = [...raws.keys()].reverse();
    expect(seen.map((m) => m.id)).toEqual(ids);
  });

  it('one message, and its body streamed whole or by Range', async () => {
    const [id, raw] = [...raws.entries()][0]!;
    const res = await inboxApi(alice, `/messages/${id}`);
    const m = InboxMessage.parse(await res.json());
    const body = new Uint8Array(await (await inboxApi(alice, `/messages/${id}/body`)).arrayBuffer());
    expect(body.length).toBe(m.size);
    expect(await openSealed(alice, body)).toEqual(raw);

    const part = await inboxApi(alice, `/messages/${id}/body`, { headers: { Range: 'bytes=10-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('Content-Range')).toBe(`bytes 10-99/${m.size}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(body.subarray(10, 100));
    const tail = await inboxApi(alice, `/messages/${id}/body`, { headers: { Range: 'bytes=-5' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(body.subarray(body.length - 5));
    await expectError(
      await inboxApi(alice, `/messages/${id}/body`, { headers: { Range: `bytes=${m.size}-` } }),
      416,
      'range_not_satisfiable',
    );
    // Several ranges are not served piecewise: the whole body (RFC 9110 §14.2 allows ignoring Range).
    const multi = await inboxApi(alice, `/messages/${id}/body`, { headers: { Range: 'bytes=0-1,5-6' } });
    expect(multi.status).toBe(200);
    await multi.arrayBuffer();
  });

  it("another account's inbox, a missing token, bad ids: 404, 401, 400 — never the data", async () => {
    const [id] = [...raws.keys()];
    await expectError(
      await api(`/api/v1/inboxes/${encodeURIComponent(alice.address)}/messages`, { token: mallory.token }),
      404,
      'inbox_not_found',
    );
    await expectError(
      await api(`/api/v1/inboxes/${encodeURIComponent(alice.address)}/messages/${id}/body`, {
        token: mallory.token,
      }),
      404,
    );
    await expectError(
      await api(`/api/v1/inboxes/${encodeURIComponent(alice.address)}/messages`),
      401,
      'unauthorized',
    );
    await expectError(await inboxApi(alice, '/messages/not-an-id'), 400);
    await expectError(await inboxApi(alice, '/messages/AAAAAAAAAAAAAAAAAAAAAA'), 404, 'message_not_found');
    await expectError(await inboxApi(alice, '/messages?limit=0'), 400);
    await expectError(await inboxApi(alice, '/messages?before=xyz'), 400);
    await expectError(await api('/api/v1/inboxes/not%20an%20address/messages', { token: alice.token }), 400);
  });
});

describe('inbox API: replace under the inbox key', () => {
  it('swaps summary and body by compare-and-swap; the old body is gone; both open with the inbox key only', async () => {
    const [id, raw] = [...raws.entries()][1]!;
    const m = InboxMessage.parse(await (await inboxApi(alice, `/messages/${id}`)).json());
    const summaryPlain = await openSealed(alice, fromBase64Url(m.summary));
    const key = generateInboxKey();
    const summary = await sealObject(key, { kind: KIND_SUMMARY, messageId: id }, summaryPlain);
    const body = await sealObject(key, { kind: KIND_BODY, messageId: id }, raw);
    const prefix = mailboxPrefix(mailboxStub(env, alice.address).id.toString());
    const before = (await env.MAIL_BODIES.list({ prefix: `${prefix}${id}/` })).objects.map((o) => o.key);

    const put = (version: string, payload: Uint8Array) =>
      inboxApi(alice, `/messages/${id}`, {
        method: 'PUT',
        body: payload,
        headers: { 'Content-Type': 'application/octet-stream', 'If-Match': version },
      });
    const res = await put('"v1"', frameReplacement(summary, body));
    expect(res.status).toBe(200);
    const replaced = InboxMessage.parse(await res.json());
    expect(replaced).toMatchObject({ format: 'inbox-v1', version: 2, size: body.length });
    expect(res.headers.get('ETag')).toBe('"v2"');

    const stored = await inboxApi(alice, `/messages/${id}/body`);
    expect(stored.headers.get('X-Noise-Format')).toBe('inbox-v1');
    expect(
      await openObject(key, { kind: KIND_BODY, messageId: id }, new Uint8Array(await stored.arrayBuffer())),
    ).toEqual(raw);
    expect(
      decodeSummary(
        await openObject(key, { kind: KIND_SUMMARY, messageId: id }, fromBase64Url(replaced.summary)),
      ).v,
    ).toBe(2);
    const after = (await env.MAIL_BODIES.list({ prefix: `${prefix}${id}/` })).objects.map((o) => o.key);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);

    // A stale version: 412 with the current ETag, nothing written.
    const stale = await put('"v1"', frameReplacement(summary, body));
    await expectError(stale, 412, 'version_conflict');
    expect(stale.headers.get('ETag')).toBe('"v2"');
    expect((await env.MAIL_BODIES.list({ prefix: `${prefix}${id}/` })).objects).toHaveLength(1);
    await expectError(
      await inboxApi(alice, `/messages/${id}`, { method: 'PUT', body: frameReplacement(summary, body) }),
      428,
      'precondition_required',
    );
    await expectError(await put('W/"v2"', frameReplacement(summary, body)), 400, 'invalid_if_match');
  });

  it('refuses a replacement that is not sealed: plaintext never replaces a sealed body', async () => {
    const [id, raw] = [...raws.entries()][2]!;
    const key = generateInboxKey();
    const summary = await sealObject(key, { kind: KIND_SUMMARY, messageId: id }, utf8('{}'));
    const put = (payload: Uint8Array) =>
      inboxApi(alice, `/messages/${id}`, { method: 'PUT', body: payload, headers: { 'If-Match': '"v1"' } });
    await expectError(await put(frameReplacement(summary, raw)), 400, 'invalid_replacement');
    await expectError(await put(frameReplacement(raw.subarray(0, 100), raw)), 400, 'invalid_replacement');
    // Kinds swapped: a summary where the body goes.
    await expectError(await put(frameReplacement(summary, summary)), 400, 'invalid_replacement');
    await expectError(await put(new Uint8Array([0, 0])), 400, 'invalid_replacement');
    await expectError(await put(new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2])), 400, 'invalid_replacement');
    expect(InboxMessage.parse(await (await inboxApi(alice, `/messages/${id}`)).json()).format).toBe('pgp');
  });
});

describe('inbox API: flags, delete and changes', () => {
  it('changes answers 304 while nothing changed, then exactly what changed', async () => {
    const first = await inboxApi(alice, '/changes?since=0');
    expect(first.status).toBe(200);
    const all = ChangesResponse.parse(await first.json());
    expect(first.headers.get('ETag')).toBe(`"c${all.cursor}"`);
    expect(all.changes.length).toBeGreaterThan(0);

    const quiet = await inboxApi(alice, `/changes?since=${all.cursor}`);
    expect(quiet.status).toBe(304);
    expect(quiet.headers.get('ETag')).toBe(`"c${all.cursor}"`);
    const conditional = await inboxApi(alice, '/changes?since=0', {
      headers: { 'If-None-Match': `"c${all.cursor}"` },
    });
    expect(conditional.status).toBe(304);

    const [id, , third] = [...raws.keys()];
    const flagged = await inboxApi(alice, `/messages/${id}`, {
      method: 'PATCH',
      json: { read: true, starred: true },
    });
    expect(InboxMessage.parse(await flagged.json()).flags).toEqual({ read: true, starred: true });
    const unread = await inboxApi(alice, `/messages/${id}`, { method: 'PATCH', json: { read: false } });
    expect(InboxMessage.parse(await unread.json()).flags).toEqual({ read: false, starred: true });

    const del = await inboxApi(alice, `/messages/${third}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    await expectError(await inboxApi(alice, `/messages/${third}`), 404);
    await expectError(await inboxApi(alice, `/messages/${third}/body`), 404);
    await expectError(await inboxApi(alice, `/messages/${third}`, { method: 'DELETE' }), 404);

    const next = await inboxApi(alice, `/changes?since=${all.cursor}`);
    expect(next.status).toBe(200);
    const delta = ChangesResponse.parse(await next.json());
    expect(delta.changes.map((c) => [c.id, c.deleted])).toEqual([
      [id, false],
      [third, true],
    ]);
    expect(delta.changes[0]!.message?.flags).toEqual({ read: false, starred: true });
    expect(delta.changes[1]!.message).toBeUndefined();
    expect((await list(alice)).messages.map((m) => m.id)).not.toContain(third);
  });

  it('malformed flags and cursors are 4xx JSON', async () => {
    const [id] = [...raws.keys()];
    await expectError(await inboxApi(alice, `/messages/${id}`, { method: 'PATCH', json: {} }), 400);
    await expectError(
      await inboxApi(alice, `/messages/${id}`, { method: 'PATCH', json: { read: 'yes' } }),
      400,
    );
    await expectError(
      await inboxApi(alice, `/messages/${id}`, { method: 'PATCH', json: { deleted: true } }),
      400,
    );
    await expectError(
      await inboxApi(alice, `/messages/${id}`, {
        method: 'PATCH',
        body: '{',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
    );
    await expectError(await inboxApi(alice, '/changes'), 400);
    await expectError(await inboxApi(alice, '/changes?since=-1'), 400);
    await expectError(await inboxApi(alice, '/changes?since=abc'), 400);
    await expectError(await inboxApi(alice, '/changes?since=99999999'), 410, 'cursor_expired');
  });
});
