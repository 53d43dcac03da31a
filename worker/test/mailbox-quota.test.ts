// Per-account quota over all of an account's inboxes, releasing an inbox (its data deleted, its
// mail refused, its name never claimed again), and the Autocrypt hint of an aligned arrival.

import { env } from 'cloudflare:test';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { InboxesResponse, MessageListResponse } from '../../shared/api/inbox.ts';
import { fromBase64Url } from '../../shared/encoding.ts';
import { decodeSummary } from '../../shared/mailbox/summary.ts';
import { decodeLeaf } from '../../shared/transparency/index.ts';
import { REJECT } from '../src/inbound/receive.ts';
import { mailboxPrefix } from '../src/mailbox/body-objects.ts';
import { ACCOUNT_QUOTA } from '../src/mailbox/limits.ts';
import { mailboxStub } from '../src/mailbox/stub.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import {
  addInbox,
  type InboxAccount,
  inboxAccount,
  inboxApi,
  openSealed,
} from './inbox-support/inbox-account.ts';
import { setMailboxUsage } from './inbox-support/mailbox-usage.ts';
import { findEverywhere, mailboxCells } from './inbox-support/storage-scan.ts';
import { api, expectError, login, registerAccount } from './support/accounts.ts';
import { storedLeafCount, storedLeaves } from './transparency-support/log.ts';

function mail(tag: string, to: string): Uint8Array {
  return addressed(plainEml.replace('Message-ID: <plain-', `Message-ID: <${tag}-`), to);
}

describe('quota', () => {
  it('a full account refuses new mail with its own reason; one byte less is fine', async () => {
    const who = await inboxAccount('full');
    const d1 = await deliver(mail('q1', who.address), who.address);
    expect(d1.rejected).toBeUndefined();
    await setMailboxUsage(who.address, { bytes: ACCOUNT_QUOTA.bytes - 100, messages: 1 });
    const d2 = await deliver(mail('q2', who.address), who.address);
    expect(d2.rejected).toBe(REJECT.full);
    expect(d2.threw).toBeUndefined();
    expect(await findEverywhere('CANARY7f3a9c', [who.address])).toEqual([]);
    await setMailboxUsage(who.address, { bytes: 0, messages: ACCOUNT_QUOTA.messages });
    expect((await deliver(mail('q3', who.address), who.address)).rejected).toBe(REJECT.full);
    await setMailboxUsage(who.address, { bytes: 0, messages: ACCOUNT_QUOTA.messages - 2 });
    expect((await deliver(mail('q4', who.address), who.address)).rejected).toBeUndefined();
  });

  it("counts every inbox of the account: one full inbox fills the other's quota", async () => {
    const who = await inboxAccount('multi');
    const second = await addInbox(who);
    await setMailboxUsage(who.address, { bytes: ACCOUNT_QUOTA.bytes - 1000, messages: 1 });
    const d = await deliver(mail('m1', second), second);
    expect(d.rejected).toBe(REJECT.full);
    const res = await api('/api/v1/inboxes', { token: who.token });
    const overview = InboxesResponse.parse(await res.json());
    expect(overview.inboxes.map((i) => i.address).sort()).toEqual([who.address, second].sort());
    expect(overview.quota).toMatchObject({
      bytes: ACCOUNT_QUOTA.bytes,
      usedBytes: ACCOUNT_QUOTA.bytes - 1000,
    });
  });
});

describe('releasing an inbox', () => {
  it('refuses to release the last address the account signs in with (409), and keeps everything', async () => {
    const who = await inboxAccount('only');
    await deliver(mail('o1', who.address), who.address);
    const release = () =>
      api(`/api/v1/inboxes/${encodeURIComponent(who.address)}`, { method: 'DELETE', token: who.token });
    await expectError(await release(), 409, 'last_sign_in_address');
    // Nothing happened: the mail is there, mail still arrives, the address still signs in.
    const listed = MessageListResponse.parse(await (await inboxApi(who, '/messages')).json());
    expect(listed.messages).toHaveLength(1);
    expect((await deliver(mail('o2', who.address), who.address)).rejected).toBeUndefined();
    expect((await login(who.address, who.authKey)).status).toBe(200);
    // With a second address it may go, and the account signs in with the second one.
    const second = await addInbox(who);
    expect((await release()).status).toBe(200);
    expect((await login(who.address, who.authKey)).status).toBe(401);
    expect((await login(second, who.authKey)).status).toBe(200);
    // The second is now the last one: refused in turn.
    const last = await api(`/api/v1/inboxes/${encodeURIComponent(second)}`, {
      method: 'DELETE',
      token: who.token,
    });
    await expectError(last, 409, 'last_sign_in_address');
  });

  it('deletes its mailbox data, refuses its mail as released, and nobody can claim it again', async () => {
    const who = await inboxAccount('leaving');
    await addInbox(who);
    for (const tag of ['r1', 'r2']) await deliver(mail(tag, who.address), who.address);
    const prefix = mailboxPrefix(mailboxStub(env, who.address).id.toString());
    expect((await env.MAIL_BODIES.list({ prefix })).objects).toHaveLength(2);

    await expectError(
      await api(`/api/v1/inboxes/${encodeURIComponent(who.address)}`, { method: 'DELETE' }),
      401,
    );
    const other = await inboxAccount('other');
    await expectError(
      await api(`/api/v1/inboxes/${encodeURIComponent(who.address)}`, {
        method: 'DELETE',
        token: other.token,
      }),
      404,
    );
    const leavesBefore = await storedLeafCount();
    const res = await api(`/api/v1/inboxes/${encodeURIComponent(who.address)}`, {
      method: 'DELETE',
      token: who.token,
    });
    expect(res.status).toBe(200);
    // The release is a directory change, so the transparency log records it (one leaf).
    const released = (await storedLeaves(leavesBefore)).map(decodeLeaf);
    expect(released.map((l) => l.event)).toEqual(['address_released']);

    expect((await env.MAIL_BODIES.list({ prefix })).objects).toEqual([]);
    expect(await mailboxCells(who.address)).toEqual([]);
    expect((await deliver(mail('r3', who.address), who.address)).rejected).toBe(REJECT.released);
    expect(await findEverywhere('CANARY7f3a9c', [])).toEqual([]);
    await expectError(await inboxApi(who, '/messages'), 404);
    // The directory no longer answers for it.
    const lookup = await api(`/api/v1/directory/keys?address=${encodeURIComponent(who.address)}`);
    expect(lookup.status).toBeGreaterThanOrEqual(400);
    await expect(registerAccount(who.address)).rejects.toThrow(/409/);
  });
});

describe('Autocrypt hint', () => {
  async function autocryptMail(
    to: string,
    headerFrom: string,
    tag: string,
  ): Promise<{ raw: Uint8Array; keydata: string }> {
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      userIDs: [{ email: 'dave@sender.example' }],
      format: 'binary',
    });
    const keydata = btoa(String.fromCharCode(...publicKey));
    const folded = keydata.match(/.{1,70}/g)!.join('\r\n ');
    const eml = plainEml
      .replace('header.from=sender.example', `header.from=${headerFrom}`)
      .replace(
        'From: "Dave',
        `Autocrypt: addr=dave@sender.example; prefer-encrypt=mutual; keydata=\r\n ${folded}\r\nFrom: "Dave`,
      )
      .replace(/From: "Dave [^"]*" <[^>]*>/, 'From: Dave <dave@sender.example>')
      .replace('Message-ID: <plain-', `Message-ID: <${tag}-`);
    return { raw: addressed(eml, to), keydata };
  }

  async function newestSummary(who: InboxAccount) {
    const res = await inboxApi(who, '/messages?limit=1');
    const [m] = MessageListResponse.parse(await res.json()).messages;
    return decodeSummary(await openSealed(who, fromBase64Url(m!.summary)));
  }

  it('kept (sealed, in the summary) when DMARC is aligned with the From address', async () => {
    const who = await inboxAccount('ac');
    const { raw, keydata } = await autocryptMail(who.address, 'sender.example', 'ac1');
    await deliver(raw, who.address);
    expect((await newestSummary(who)).autocrypt).toEqual({
      addr: 'dave@sender.example',
      preferEncrypt: 'mutual',
      keydata,
    });
  });

  it('dropped when DMARC passed for another domain', async () => {
    const who = await inboxAccount('ac');
    const { raw } = await autocryptMail(who.address, 'elsewhere.example', 'ac2');
    await deliver(raw, who.address);
    expect((await newestSummary(who)).autocrypt).toBeUndefined();
  });
});
