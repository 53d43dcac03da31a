// One send through the relay (docs/api.md, relay; docs/threat-model.md, "The outbound relay"),
// in the order that keeps the promises: the sender is checked before anything else is read; a
// repeated request is recognised by the hash of what was received; deliveries are reserved against
// the account's limits; a sealed message is opened in memory only, checked, handed to the mail
// service and its plaintext bytes overwritten; the send log gets hash, size and counts. Failures
// give the unused deliveries back.

import type { RelayRequestMeta, RelayResult } from '../../../shared/api/relay.ts';
import { toHex } from '../../../shared/encoding.ts';
import { isNoiseError } from '../../../shared/errors.ts';
import { HEADER_LENGTH, openRelaySeal, TAG_LENGTH } from '../../../shared/relay/index.ts';
import { newId } from '../auth/tokens.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import { sizeLimit } from './config.ts';
import { releaseDeliveries, reserveDeliveries } from './delivery-quota.ts';
import { dispatch } from './dispatch.ts';
import { checkOutgoing } from './message-checks.ts';
import { relayKeys } from './relay-keys.ts';
import { alreadySent, recordSend } from './send-log.ts';
import { assertSender, type Caller, refuseSender } from './sender.ts';

/** 429 with the seconds until the window resets (the route sends Retry-After). */
export class SendLimited extends ApiError {
  readonly retryAfter: number;
  constructor(period: 'hour' | 'day', retryAfter: number) {
    super(
      429,
      'send_limit',
      `The account reached its ${period === 'day' ? 'daily' : 'hourly'} sending limit.`,
    );
    this.retryAfter = retryAfter;
  }
}

const SEAL_ERRORS = {
  malformed: ['seal_malformed', 'The sealed message is not a relay seal.'],
  unsupported: ['seal_unsupported', 'The sealed message uses a version this relay does not know.'],
  not_for_me: ['relay_key_unknown', 'Sealed to a relay key this relay no longer has: fetch the key again.'],
  tampered: ['seal_tampered', 'The sealed message does not open for this sender and these recipients.'],
} as const;

async function openSealed(env: Bindings, sealed: Uint8Array, meta: RelayRequestMeta): Promise<Uint8Array> {
  const keys = await relayKeys(env);
  try {
    return await openRelaySeal(sealed, { from: meta.from, to: meta.to }, keys.opening);
  } catch (e) {
    const kind = isNoiseError(e) && e.code in SEAL_ERRORS ? (e.code as keyof typeof SEAL_ERRORS) : 'tampered';
    const [code, message] = SEAL_ERRORS[kind];
    throw new ApiError(400, code, message);
  }
}

function tooLarge(limit: number): ApiError {
  return new ApiError(
    413,
    'message_too_large',
    `Messages to these recipients are limited to ${limit} bytes.`,
  );
}

export async function relaySend(
  env: Bindings,
  caller: Caller,
  meta: RelayRequestMeta,
  payload: Uint8Array,
): Promise<RelayResult> {
  await assertSender(env, caller, meta.from);
  const limit = sizeLimit(env, meta.to);
  const overhead = meta.mode === 'sealed' ? HEADER_LENGTH + TAG_LENGTH : 0;
  if (payload.length > limit + overhead) throw tooLarge(limit);
  // Fail closed before anything is counted: production without a relay key seals nothing.
  if (meta.mode === 'sealed') await relayKeys(env);
  const now = Date.now();
  const sha256 = toHex(
    new Uint8Array(await crypto.subtle.digest('SHA-256', payload as Uint8Array<ArrayBuffer>)),
  );
  if (await alreadySent(env.DB, caller.accountId, sha256, now))
    throw new ApiError(409, 'already_sent', 'This exact message was already sent.');
  const reservation = await reserveDeliveries(env, caller.accountId, meta.to.length, now);
  if ('refused' in reservation) throw new SendLimited(reservation.refused, reservation.retryAfter);

  let delivered = 0;
  let raw: Uint8Array | undefined;
  try {
    raw = meta.mode === 'sealed' ? await openSealed(env, payload, meta) : payload;
    if (raw.length > limit) throw tooLarge(limit);
    const checked = await checkOutgoing(raw, meta.from, meta.mode, (attempted) =>
      refuseSender(env, caller, attempted, 'header_mismatch'),
    );
    const outcome = await dispatch(
      env,
      raw,
      checked,
      meta.to,
      meta.mode === 'encrypted' && meta.fallback !== 'none',
    );
    delivered = outcome.recipients.filter((r) => r.status === 'sent').length;
    const id = newId();
    const status = delivered === meta.to.length ? 'sent' : delivered > 0 ? 'partial' : 'failed';
    await recordSend(env.DB, {
      id,
      accountId: caller.accountId,
      at: now,
      mode: meta.mode,
      sha256,
      size: payload.length,
      recipients: meta.to.length,
      delivered,
      status,
      delivery: outcome.delivery,
      ...(outcome.failure ? { error: outcome.failure.code } : {}),
    });
    if (status === 'failed') {
      const f = outcome.failure!;
      throw new ApiError(f.status, f.code, f.message);
    }
    return {
      id,
      status,
      delivery: outcome.delivery,
      ...(outcome.fallbackReason ? { fallbackReason: outcome.fallbackReason } : {}),
      recipients: outcome.recipients,
    };
  } finally {
    // JavaScript cannot wipe every copy, but the one buffer we own holds no plaintext afterwards.
    if (meta.mode === 'sealed' && raw) raw.fill(0);
    await releaseDeliveries(env, reservation, meta.to.length - delivered);
  }
}
