// Finding an inbox's Mailbox Durable Object. Released addresses are never claimed again
// (worker/migrations/0013), so the address alone names its mailbox for good.

import { normalizeAddress } from '../../../shared/address.ts';
import type { Bindings } from '../env.ts';
import type { Usage } from './limits.ts';
import type { Mailbox } from './mailbox-object.ts';

export function mailboxStub(env: Bindings, address: string): DurableObjectStub<Mailbox> {
  return env.MAILBOX.get(env.MAILBOX.idFromName(`inbox/v1/${normalizeAddress(address)}`));
}

/** Service inboxes of an account, other than `except`. */
async function otherInboxes(db: D1Database, accountId: string, except: string): Promise<string[]> {
  const r = await db
    .prepare(`SELECT address FROM addresses WHERE account_id = ?1 AND kind = 'service' AND address != ?2`)
    .bind(accountId, except)
    .all<{ address: string }>();
  return r.results.map((x) => x.address);
}

/** What the account's other inboxes hold: the quota spans them all (limits.ts). */
export async function otherUsage(env: Bindings, accountId: string, except: string): Promise<Usage> {
  const usages = await Promise.all(
    (await otherInboxes(env.DB, accountId, except)).map((a) => mailboxStub(env, a).usage()),
  );
  return usages.reduce((sum, u) => ({ bytes: sum.bytes + u.bytes, messages: sum.messages + u.messages }), {
    bytes: 0,
    messages: 0,
  });
}
