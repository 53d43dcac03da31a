// docs/api.md "DELETE /api/v1/inboxes/:address": the account's last sign-in address is refused
// with 409 last_sign_in_address before anything is deleted. Attacked with two releases at once,
// one for each of an account's two inboxes: whichever order D1 runs them in, exactly one goes
// through, and the other is refused whole — its mail, its directory binding and its place in the
// transparency log untouched, its address still receiving mail.

import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MessageListResponse } from '../../shared/api/inbox.ts';
import { decodeLeaf } from '../../shared/transparency/index.ts';
import { mailboxPrefix } from '../src/mailbox/body-objects.ts';
import { mailboxStub } from '../src/mailbox/stub.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { addInbox, inboxAccount } from './inbox-support/inbox-account.ts';
import { api, login } from './support/accounts.ts';
import { storedLeafCount, storedLeaves } from './transparency-support/log.ts';

function mail(tag: string, to: string): Uint8Array {
  return addressed(plainEml.replace('Message-ID: <plain-', `Message-ID: <${tag}-`), to);
}

const release = (address: string, token: string) =>
  api(`/api/v1/inboxes/${encodeURIComponent(address)}`, { method: 'DELETE', token });

describe('releasing both inboxes of an account at once', () => {
  it('one release goes through; the other is refused before anything of its inbox is deleted', async () => {
    for (let round = 0; round < 3; round++) {
      const who = await inboxAccount(`race${round}`);
      const second = await addInbox(who);
      const both = [who.address, second];
      for (const address of both)
        expect((await deliver(mail(`r${round}`, address), address)).rejected).toBeUndefined();
      const leavesBefore = await storedLeafCount();

      const answers = await Promise.all(both.map((a) => release(a, who.token)));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 409]);
      const kept = both[answers.findIndex((r) => r.status === 409)]!;
      expect(
        ((await answers.find((r) => r.status === 409)!.json()) as { error: { code: string } }).error.code,
      ).toBe('last_sign_in_address');

      // The kept inbox: its mail, its body in R2, its directory key, mail still arriving, sign-in.
      const listed = await api(`/api/v1/inboxes/${encodeURIComponent(kept)}/messages`, { token: who.token });
      expect(listed.status).toBe(200);
      expect(MessageListResponse.parse(await listed.json()).messages).toHaveLength(1);
      const prefix = mailboxPrefix(mailboxStub(env, kept).id.toString());
      expect((await env.MAIL_BODIES.list({ prefix })).objects).toHaveLength(1);
      const binding = await env.DB.prepare('SELECT 1 AS x FROM address_bindings WHERE address = ?1')
        .bind(kept)
        .first();
      expect(binding).not.toBeNull();
      expect((await deliver(mail(`again${round}`, kept), kept)).rejected).toBeUndefined();
      expect((await login(kept, who.authKey)).status).toBe(200);
      // The log records one release, of the other address only.
      const leaves = (await storedLeaves(leavesBefore)).map(decodeLeaf);
      expect(leaves.map((l) => l.event)).toEqual(['address_released']);
    }
  });
});
