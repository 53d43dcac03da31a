// Releasing an inbox address (docs/api.md, inboxes): its mailbox's data is deleted (every body in
// R2, then the Durable Object's storage), then the address leaves the account and the directory
// in one D1 batch and is kept as released, so later mail for it is refused with its own reason
// and nobody can claim it to receive mail meant for its previous owner. The account's last
// sign-in address (a verified one: worker/src/accounts/account-store.ts credentialsByAddress)
// is never released: nothing could sign in to the account again (409 last_sign_in_address).

import { appendLogStatement } from '../directory/log-table.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import { addressReleasedStatements } from '../transparency/append.ts';
import { mailboxStub } from './stub.ts';

/** Another verified address of the account (?1 the one to release, ?2 the account). */
const OTHER_SIGN_IN =
  'SELECT 1 AS x FROM addresses WHERE account_id = ?2 AND address <> ?1 AND verified_at IS NOT NULL';

export async function releaseInbox(
  env: Bindings,
  accountId: string,
  address: string,
  now: number,
): Promise<void> {
  // Claimed before any data goes: one UPDATE takes the address out of the account's sign-in
  // addresses only while another one stays. D1 runs statements one at a time, so of two releases
  // racing for an account's last two addresses the second finds no other verified address and is
  // refused here with its inbox whole. The claimed address stops receiving mail (recipient.ts) and
  // signing in; a release that fails after this point can be asked for again.
  const claim = await env.DB.prepare(
    `UPDATE addresses SET verified_at = NULL WHERE address = ?1 AND account_id = ?2 AND kind = 'service' AND EXISTS (${OTHER_SIGN_IN})`,
  )
    .bind(address, accountId)
    .run();
  if (claim.meta.changes === 0)
    throw new ApiError(
      409,
      'last_sign_in_address',
      'This is the last address the account signs in with; add another one before releasing it.',
    );
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
    env.DB.prepare(
      `DELETE FROM addresses WHERE address = ?1 AND account_id = ?2 AND kind = 'service' AND EXISTS (${OTHER_SIGN_IN})`,
    ).bind(address, accountId),
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
