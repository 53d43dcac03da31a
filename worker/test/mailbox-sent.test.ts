// Sent copies in the mailbox (docs/api.md "Sent copies", docs/spec/mailbox-v1.md §4.4): the client
// uploads the message it sent, sealed under the inbox key with an id it drew; it lists in the
// Sent folder only, opens with the inbox key, shows in `changes`, and keeps its thread id inside
// the seal. Mailboxes made before folders existed are migrated in place.
import { env, runInDurableObject } from 'cloudflare:test';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { ChangesResponse, InboxMessage, MessageListResponse } from '../../shared/api/inbox.ts';
import { fromBase64Url, utf8 } from '../../shared/encoding.ts';
import {
  decodeSummary,
  generateInboxKey,
  KIND_BODY,
  KIND_SUMMARY,
  openObject,
} from '../../shared/mailbox/index.ts';
import { newSentId, prepareSend, sealSentCopy, sentSummary } from '../../shared/outbound/index.ts';
import { Mailbox } from '../src/mailbox/mailbox-object.ts';
import { SCHEMA } from '../src/mailbox/message-table.ts';
import { mailboxStub } from '../src/mailbox/stub.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount, inboxApi } from './inbox-support/inbox-account.ts';
import { findEverywhere } from './inbox-support/storage-scan.ts';
import { api, expectError } from './support/accounts.ts';

const CANARY = 'CANARY-sent-copy-91c2';

async function sentCopy(alice: InboxAccount, inboxKey: Uint8Array, id = newSentId()) {
  const dave = (
    await openpgp.generateKey({ type: 'ecc', userIDs: [{ email: 'dave@example.org' }], format: 'object' })
  ).privateKey;
  const content = {
    from: { address: alice.address },
    to: [{ address: 'dave@example.org' }],
    subject: `${CANARY} subject`,
    text: `${CANARY} body`,
    inReplyTo: '<first@example.org>',
    references: ['<first@example.org>'],
  };
  const sent = await prepareSend(
    { content, signingKey: alice.privateKey, bcc: ['hidden@example.com'] },
    {
      mode: 'encrypted',
      recipientKeys: [dave.toPublic()],
    },
  );
  const summary = sentSummary(content, {
    messageId: sent.messageId,
    bcc: ['hidden@example.com'],
    encryption: 'pgp-mime',
  });
  return { id, mime: sent.mime, framed: await sealSentCopy(inboxKey, id, summary, sent.mime) };
}

const upload = (alice: InboxAccount, id: string, body: Uint8Array) =>
  inboxApi(alice, `/sent/${id}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: body as Uint8Array<ArrayBuffer>,
  });

describe('Sent copies', () => {
  it('stores the sealed copy in the Sent folder; it opens with the inbox key, threading inside', async () => {
    const alice = await inboxAccount('alice');
    await deliver(addressed(plainEml, alice.address), alice.address);
    const key = generateInboxKey();
    const copy = await sentCopy(alice, key);
    const res = await upload(alice, copy.id, copy.framed);
    expect(res.status, await res.clone().text()).toBe(201);
    const stored = InboxMessage.parse(await res.json());
    expect(stored).toMatchObject({
      id: copy.id,
      folder: 'sent',
      format: 'inbox-v1',
      version: 1,
      flags: { read: true },
    });

    const sent = MessageListResponse.parse(await (await inboxApi(alice, '/messages?folder=sent')).json());
    expect(sent.messages.map((m) => m.id)).toEqual([copy.id]);
    const inbox = MessageListResponse.parse(await (await inboxApi(alice, '/messages')).json());
    expect(inbox.messages).toHaveLength(1);
    expect(inbox.messages[0]?.folder).toBe('inbox');

    const summary = decodeSummary(
      await openObject(key, { kind: KIND_SUMMARY, messageId: copy.id }, fromBase64Url(stored.summary)),
    );
    expect(summary).toMatchObject({
      v: 2,
      thread: '<first@example.org>',
      bcc: [{ address: 'hidden@example.com' }],
    });
    const body = new Uint8Array(await (await inboxApi(alice, `/messages/${copy.id}/body`)).arrayBuffer());
    expect(await openObject(key, { kind: KIND_BODY, messageId: copy.id }, body)).toEqual(copy.mime);

    const changes = ChangesResponse.parse(await (await inboxApi(alice, '/changes?since=0')).json());
    expect(changes.changes.map((c) => c.message?.folder)).toEqual(['inbox', 'sent']);
    expect(await findEverywhere(CANARY, [alice.address])).toEqual([]);
  });

  it('refuses a taken id, a plaintext upload, a malformed id and another account’s inbox', async () => {
    const alice = await inboxAccount('alice');
    const mallory = await inboxAccount('mallory');
    const key = generateInboxKey();
    const copy = await sentCopy(alice, key);
    expect((await upload(alice, copy.id, copy.framed)).status).toBe(201);
    await expectError(
      await upload(alice, copy.id, (await sentCopy(alice, key, copy.id)).framed),
      409,
      'message_exists',
    );
    const plain = utf8(`${CANARY} plaintext`);
    const framedPlain = new Uint8Array([0, 0, 0, 4, ...plain]);
    await expectError(await upload(alice, newSentId(), framedPlain), 400, 'invalid_replacement');
    await expectError(await upload(alice, 'short', copy.framed), 400, 'invalid_request');
    await expectError(
      await fetchAs(mallory, alice.address, newSentId(), copy.framed),
      404,
      'inbox_not_found',
    );
    const listed = MessageListResponse.parse(await (await inboxApi(alice, '/messages?folder=sent')).json());
    expect(listed.messages).toHaveLength(1);
    await expectError(await inboxApi(alice, '/messages?folder=drafts'), 400, 'invalid_request');
  });

  it('migrates a mailbox made before folders when it starts: its messages stay in the inbox', async () => {
    const alice = await inboxAccount('alice');
    const stub = mailboxStub(env, alice.address);
    const listed = await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec('DROP TABLE IF EXISTS messages');
      // The schema as it was: no folder column (and so no per-folder index either).
      const before = SCHEMA.replace(/,(\s*--[^\n]*)\n\s*folder TEXT[^\n]*\n/, '$1\n');
      expect(before).not.toContain('folder');
      sql.exec(before);
      sql.exec(
        `INSERT INTO messages (id, received_at, dedupe, auth, format, version, summary, body_key, body_size, flags, changed)
         VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 1, 'd', '{"spf":"none","dkim":"none","dmarc":"none","aligned":false}', 'pgp', 1, x'00', 'k', 1, 0, 1)`,
      );
      expect(
        sql
          .exec('PRAGMA table_info(messages)')
          .toArray()
          .some((c) => c.name === 'folder'),
      ).toBe(false);
      // The object starting again on that storage (as after a deploy) migrates it, twice harmlessly.
      new Mailbox(state, env);
      const restarted = new Mailbox(state, env);
      return { inbox: restarted.list('inbox', null, 10), sent: restarted.list('sent', null, 10) };
    });
    expect(listed.inbox.messages.map((m) => [m.id, m.folder])).toEqual([['AAAAAAAAAAAAAAAAAAAAAA', 'inbox']]);
    expect(listed.sent.messages).toEqual([]);
  });
});

function fetchAs(who: InboxAccount, address: string, id: string, body: Uint8Array): Promise<Response> {
  return api(`/api/v1/inboxes/${encodeURIComponent(address)}/sent/${id}`, {
    method: 'PUT',
    body: body as Uint8Array<ArrayBuffer>,
    token: who.token,
  });
}
