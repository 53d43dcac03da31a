// docs/api.md "Inbound mail": a retry of a stored message — the same Message-ID, or without one
// the same body — is accepted and stored once. Attacked for mail without a Message-ID (Email
// Routing passes such mail in production; only `wrangler dev` insists on one): a retry whose
// headers changed on the way (another Received or Authentication-Results line) is the same mail,
// and another body is another mail.

import { describe, expect, it } from 'vitest';
import { MessageListResponse } from '../../shared/api/inbox.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount, inboxApi } from './inbox-support/inbox-account.ts';

const withoutMessageId = plainEml.replace(/^Message-ID: .*\r?\n/m, '');

async function count(who: InboxAccount): Promise<number> {
  return MessageListResponse.parse(await (await inboxApi(who, '/messages')).json()).messages.length;
}

describe('email(): retries of mail without a Message-ID', () => {
  it('the same body is stored once, even with headers added on the way; another body is stored', async () => {
    expect(withoutMessageId).not.toMatch(/Message-ID/i);
    const alice = await inboxAccount('dedupe');
    const first = addressed(withoutMessageId, alice.address);
    const relayed = addressed(
      `Received: from mx2.sender.example by mx.cloudflare.net\r\n${withoutMessageId}`,
      alice.address,
    );
    for (const raw of [first, first, relayed]) {
      const d = await deliver(raw, alice.address);
      expect(d).toEqual({ rejected: undefined, threw: undefined });
    }
    expect(await count(alice)).toBe(1);
    const other = addressed(withoutMessageId.replace('See you at noon.', 'See you at one.'), alice.address);
    expect((await deliver(other, alice.address)).threw).toBeUndefined();
    expect(await count(alice)).toBe(2);
  });
});
