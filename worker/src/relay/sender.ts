// Who may send as whom (docs/api.md, relay): the envelope sender must be an address of the
// caller's account — one of its inboxes, or a verified external address on a domain the mail
// service is onboarded to send for (RELAY_SENDING_DOMAINS); Cloudflare cannot send as anyone
// else's domain, and we must not let an account speak as another. A sender the account does not
// own is refused (403) and written to the account's security log, since it means a session of
// that account tried to pass for someone else.

import { domainOf, normalizeAddress } from '../../../shared/address.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import { appendSecurityEvent } from '../security-log/security-log-table.ts';
import { sendingDomains } from './config.ts';

export interface Caller {
  accountId: string;
  sessionId: string;
}

type SenderRefusal = 'not_owned' | 'header_mismatch';

/** Refuses (403) and logs a sender the account may not use. Never returns. */
export async function refuseSender(
  env: Pick<Bindings, 'DB'>,
  caller: Caller,
  attempted: string,
  reason: SenderRefusal,
): Promise<never> {
  await appendSecurityEvent(env.DB, {
    accountId: caller.accountId,
    sessionId: caller.sessionId,
    kind: 'relay_sender_refused',
    // The attempted address is what this account's own session sent: nothing new to it.
    detail: { from: attempted.slice(0, 254), reason },
    at: Date.now(),
  });
  throw new ApiError(403, 'sender_not_allowed', 'This account may not send as that address.');
}

/** The envelope sender, checked: owned by the account and on a domain the service sends for. */
export async function assertSender(
  env: Pick<Bindings, 'DB' | 'SERVICE_DOMAIN' | 'RELAY_SENDING_DOMAINS'>,
  caller: Caller,
  from: string,
): Promise<void> {
  const address = normalizeAddress(from);
  const row = await env.DB.prepare(
    'SELECT kind, verified_at FROM addresses WHERE address = ?1 AND account_id = ?2',
  )
    .bind(address, caller.accountId)
    .first<{ kind: string; verified_at: number | null }>();
  const owned = row !== null && (row.kind === 'service' || row.verified_at !== null);
  if (!owned) return refuseSender(env, caller, from, 'not_owned');
  if (!sendingDomains(env).has(domainOf(address)))
    throw new ApiError(
      403,
      'sender_domain_not_sendable',
      'The mail service does not send for this address’s domain; send from an inbox of the service.',
    );
}
