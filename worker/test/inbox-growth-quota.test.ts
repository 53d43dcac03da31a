// The account quota (docs/api.md "GET /api/v1/inboxes": 1 GiB, 100,000 messages over all inboxes)
// holds for what the client uploads too, not only for arrivals: a replacement that grows the
// mailbox past it and a Sent copy that does not fit are `507 quota_exceeded`, and neither leaves
// its body in R2 nor changes the message it would have replaced.

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { frameReplacement, InboxMessage, MessageListResponse } from '../../shared/api/inbox.ts';
import { fromBase64Url } from '../../shared/encoding.ts';
import { generateInboxKey, KIND_BODY, KIND_SUMMARY, sealObject } from '../../shared/mailbox/index.ts';
import { newSentId } from '../../shared/outbound/index.ts';
import { mailboxPrefix } from '../src/mailbox/body-objects.ts';
import { ACCOUNT_QUOTA } from '../src/mailbox/limits.ts';
import { mailboxStub } from '../src/mailbox/stub.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount, inboxApi, openSealed } from './inbox-support/inbox-account.ts';
import { setMailboxUsage } from './inbox-support/mailbox-usage.ts';
import { expectError } from './support/accounts.ts';

async function bodyKeys(address: string): Promise<string[]> {
  const prefix = mailboxPrefix(mailboxStub(env, address).id.toString());
  return (await env.MAIL_BODIES.list({ prefix })).objects.map((o) => o.key).sort();
}

/** One arrival and a replacement of it under a fresh inbox key, `pad` bytes larger than the raw mail. */
async function arrivalAndReplacement(who: InboxAccount, pad: number) {
  expect((await deliver(addressed(plainEml, who.address), who.address)).threw).toBeUndefined();
  const list = MessageListResponse.parse(await (await inboxApi(who, '/messages')).json());
  const m = list.messages[0]!;
  const key = generateInboxKey();
  const summaryPlain = await openSealed(who, fromBase64Url(m.summary));
  const summary = await sealObject(key, { kind: KIND_SUMMARY, messageId: m.id }, summaryPlain);
  const body = await sealObject(key, { kind: KIND_BODY, messageId: m.id }, new Uint8Array(m.size + pad));
  return { message: m, framed: frameReplacement(summary, body) };
}

const put = (who: InboxAccount, path: string, framed: Uint8Array, headers: Record<string, string> = {}) =>
  inboxApi(who, path, {
    method: 'PUT',
    body: framed as Uint8Array<ArrayBuffer>,
    headers: { 'Content-Type': 'application/octet-stream', ...headers },
  });

describe('uploads count against the account quota', () => {
  it('a replacement that grows past the quota is 507; the message, its body and the counters stay', async () => {
    const alice = await inboxAccount('grow');
    const { message, framed } = await arrivalAndReplacement(alice, 4096);
    const usage = await mailboxStub(env, alice.address).usage();
    const keysBefore = await bodyKeys(alice.address);
    // Room for the mail as it is, not for the 4 KiB more the replacement would add.
    await setMailboxUsage(alice.address, { bytes: ACCOUNT_QUOTA.bytes - 1024, messages: usage.messages });
    const refused = await put(alice, `/messages/${message.id}`, framed, { 'If-Match': '"v1"' });
    await expectError(refused, 507, 'quota_exceeded');
    const after = InboxMessage.parse(await (await inboxApi(alice, `/messages/${message.id}`)).json());
    expect(after).toMatchObject({ version: 1, format: 'pgp', size: message.size });
    expect(await bodyKeys(alice.address)).toEqual(keysBefore);
    expect((await mailboxStub(env, alice.address).usage()).bytes).toBe(ACCOUNT_QUOTA.bytes - 1024);
    // With the room back, the same replacement goes through.
    await setMailboxUsage(alice.address, usage);
    expect((await put(alice, `/messages/${message.id}`, framed, { 'If-Match': '"v1"' })).status).toBe(200);
  });

  it('a Sent copy that does not fit (bytes or messages) is 507, leaving no body and no row', async () => {
    const alice = await inboxAccount('sent-full');
    const { framed: sample } = await arrivalAndReplacement(alice, 0);
    const id = newSentId();
    const key = generateInboxKey();
    const copy = frameReplacement(
      await sealObject(key, { kind: KIND_SUMMARY, messageId: id }, new Uint8Array(64)),
      await sealObject(key, { kind: KIND_BODY, messageId: id }, new Uint8Array(sample.length)),
    );
    const keysBefore = await bodyKeys(alice.address);
    for (const full of [
      { bytes: ACCOUNT_QUOTA.bytes - 100, messages: 1 },
      { bytes: 0, messages: ACCOUNT_QUOTA.messages },
    ]) {
      await setMailboxUsage(alice.address, full);
      await expectError(await put(alice, `/sent/${id}`, copy), 507, 'quota_exceeded');
      expect(await bodyKeys(alice.address)).toEqual(keysBefore);
      expect((await inboxApi(alice, `/messages/${id}`)).status).toBe(404);
    }
    await setMailboxUsage(alice.address, { bytes: 0, messages: 1 });
    expect((await put(alice, `/sent/${id}`, copy)).status).toBe(201);
  });
});
