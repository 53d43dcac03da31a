// Releasing an inbox address (docs/api.md, inboxes): its mailbox's data is deleted (every body in
// R2, then the Durable Object's storage), then the address leaves the account and the directory
// in one D1 batch and is kept as released, so later mail for it is refused with its own reason
// and nobody can claim it to receive mail meant for its previous owner.

import { appendLogStatement } from '../directory/log-table.ts';
import type { Bindings } from '../env.ts';
import { addressReleasedStatements } from '../transparency/append.ts';
import { mailboxStub } from './stub.ts';

export async function releaseInbox(
  env: Bindings,
  accountId: string,
  address: string,
  now: number,
): Promise<void> {
  // Mail arriving meanwhile may add a body after the wipe; the second wipe after the D1 batch
  // (which makes the address refuse mail) catches it.
  const mailbox = mailboxStub(env, address);
  await mailbox.destroy();
  const binding = await env.DB.prepare('SELECT fingerprint FROM address_bindings WHERE address = ?1')
    .bind(address)
    .first<{ fingerprint: string }>();
  await env.DB.batch([
    env.DB.prepare('INSERT OR IGNORE INTO released_inboxes (address, released_at) VALUES (?1, ?2)').bind(
      address,
      now,
    ),
    env.DB.prepare('DELETE FROM address_bindings WHERE address = ?1').bind(address),
    env.DB.prepare(`DELETE FROM addresses WHERE address = ?1 AND account_id = ?2 AND kind = 'service'`).bind(
      address,
      accountId,
    ),
    ...(binding
      ? [
          appendLogStatement(
            env.DB,
            { accountId, action: 'unbind', address, oldFingerprint: binding.fingerprint },
            now,
          ),
          // docs/spec/transparency-v1.md §4.4: the release is logged in the same batch.
          ...addressReleasedStatements(env, address, binding.fingerprint, now),
        ]
      : []),
  ]);
  await mailbox.destroy();
}
