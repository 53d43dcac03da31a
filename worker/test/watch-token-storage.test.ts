// docs/api.md "Watching an inbox": the mailbox keeps only the SHA-256 of a watch token; the
// unread count is of inbox messages, not Sent copies; releasing the inbox deletes its tokens with
// its mailbox. Attacked by reading the Durable Object's storage itself, not only the API.

import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { frameReplacement, WatchResponse } from '../../shared/api/inbox.ts';
import { toHex } from '../../shared/encoding.ts';
import { generateInboxKey, KIND_BODY, KIND_SUMMARY, sealObject } from '../../shared/mailbox/index.ts';
import { newSentId } from '../../shared/outbound/index.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { addInbox, type InboxAccount, inboxAccount, inboxApi } from './inbox-support/inbox-account.ts';
import { mailboxCells } from './inbox-support/storage-scan.ts';
import { BASE } from './support/accounts.ts';

async function newWatchToken(who: InboxAccount): Promise<string> {
  const res = await inboxApi(who, '/watch', { method: 'POST' });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

function watched(address: string, token: string): Promise<Response> {
  return SELF.fetch(`${BASE}/api/v1/watch/${encodeURIComponent(address)}`, {
    headers: { Authorization: `Watch ${token}` },
  });
}

async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

async function uploadSentCopy(who: InboxAccount): Promise<string> {
  const id = newSentId();
  const key = generateInboxKey();
  const framed = frameReplacement(
    await sealObject(key, { kind: KIND_SUMMARY, messageId: id }, new Uint8Array(32)),
    await sealObject(key, { kind: KIND_BODY, messageId: id }, new Uint8Array(64)),
  );
  const res = await inboxApi(who, `/sent/${id}`, {
    method: 'PUT',
    body: framed as Uint8Array<ArrayBuffer>,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  expect(res.status).toBe(201);
  return id;
}

describe('watch tokens at rest', () => {
  it('the mailbox holds the SHA-256 of each token, never the token', async () => {
    const alice = await inboxAccount('watch-hash');
    const tokens = [await newWatchToken(alice), await newWatchToken(alice)];
    const cells = await mailboxCells(alice.address);
    for (const token of tokens) {
      expect(cells.filter((c) => c.includes(token))).toEqual([]);
      expect(cells).toContain(await sha256Hex(token));
    }
    // Nor is it anywhere in D1.
    const rows = await env.DB.prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`,
    ).all<{ name: string }>();
    for (const { name } of rows.results) {
      const all = await env.DB.prepare(`SELECT * FROM "${name}"`).all<Record<string, unknown>>();
      const text = JSON.stringify(all.results);
      for (const token of tokens) expect(text.includes(token), name).toBe(false);
    }
  });

  it('counts unread inbox messages only: an unread Sent copy changes the cursor, not the count', async () => {
    const alice = await inboxAccount('watch-sent');
    const token = await newWatchToken(alice);
    await deliver(addressed(plainEml, alice.address), alice.address);
    const before = WatchResponse.parse(await (await watched(alice.address, token)).json());
    expect(before.unread).toBe(1);
    const id = await uploadSentCopy(alice);
    const mark = await inboxApi(alice, `/messages/${id}`, { method: 'PATCH', json: { read: false } });
    expect(mark.status).toBe(200);
    const after = WatchResponse.parse(await (await watched(alice.address, token)).json());
    expect(after.unread).toBe(1);
    expect(after.cursor).toBeGreaterThan(before.cursor);
  });

  it('releasing the inbox deletes its tokens with its mailbox', async () => {
    const alice = await inboxAccount('watch-release');
    await addInbox(alice);
    const token = await newWatchToken(alice);
    expect(await mailboxCells(alice.address)).toContain(await sha256Hex(token));
    expect((await inboxApi(alice, '', { method: 'DELETE' })).status).toBe(200);
    expect(await mailboxCells(alice.address)).toEqual([]);
    expect((await watched(alice.address, token)).status).toBe(401);
  });
});
