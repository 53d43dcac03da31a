// Prekey bundle fetch (issue 3 §5): identity + current signed prekey + at most one one-time
// prekey, taken out of stock atomically by a single DELETE … RETURNING.
// Against draining: strict D1 counters per requester (over the limit: 429) and per target
// (over the limit: bundles still come, but without a one-time prekey, so the stock survives).

import type { PrekeyBundle } from '../../../shared/api/directory.ts';
import { toBase64Url } from '../../../shared/encoding.ts';
import { bindingByAddress } from '../directory/keys-table.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import {
  bumpCounterStatement,
  countOneTimePrekeysStatement,
  currentSignedPrekey,
  identityOf,
  pruneCountersStatement,
  type TakenPrekey,
  takenBytes,
  takeOneTimePrekeyStatement,
} from './prekeys-table.ts';

export const BUNDLE_LIMITS = {
  /** Bundle fetches per requester (CF-Connecting-IP) per minute. */
  requesterPerMinute: 30,
  /** One-time prekey handouts per target account per hour; the stock cap is 200. */
  targetPerHour: 100,
} as const;

const MINUTE = 60_000;
const HOUR = 3_600_000;

export async function fetchBundle(
  env: Pick<Bindings, 'DB'>,
  rawAddress: string,
  requester: string,
): Promise<{ bundle: PrekeyBundle } | { retryAfter: number }> {
  const db = env.DB;
  const address = rawAddress.toLowerCase();
  const binding = await bindingByAddress(db, address);
  if (!binding) throw new ApiError(404, 'not_found', 'No key is published for this address.');
  const [identity, spk] = await Promise.all([
    identityOf(db, binding.accountId),
    currentSignedPrekey(db, binding.accountId),
  ]);
  if (!identity || !spk) throw new ApiError(404, 'no_envelope', 'This address has no envelope keys.');

  const now = Date.now();
  const minute = Math.floor(now / MINUTE) * MINUTE;
  const hour = Math.floor(now / HOUR) * HOUR;
  const [byRequester, byTarget] = await db.batch<{ count: number }>([
    bumpCounterStatement(db, `requester:${requester}`, minute),
    bumpCounterStatement(db, `target:${binding.accountId}`, hour),
    pruneCountersStatement(db, hour - HOUR),
  ]);
  if ((byRequester?.results[0]?.count ?? 0) > BUNDLE_LIMITS.requesterPerMinute)
    return { retryAfter: Math.ceil((minute + MINUTE - now) / 1000) };

  let taken: TakenPrekey | undefined;
  let remaining: number;
  if ((byTarget?.results[0]?.count ?? 0) > BUNDLE_LIMITS.targetPerHour) {
    const [count] = await db.batch<{ n: number }>([countOneTimePrekeysStatement(db, binding.accountId)]);
    remaining = count?.results[0]?.n ?? 0;
  } else {
    const [take, count] = await db.batch<TakenPrekey & { n: number }>([
      takeOneTimePrekeyStatement(db, binding.accountId),
      countOneTimePrekeysStatement(db, binding.accountId),
    ]);
    taken = take?.results[0];
    remaining = count?.results[0]?.n ?? 0;
  }
  return {
    bundle: {
      address,
      identity: {
        signingKey: toBase64Url(identity.signingKey),
        dhKey: toBase64Url(identity.dhKey),
        dhKeySignature: toBase64Url(identity.dhKeySignature),
      },
      signedPrekey: {
        id: spk.id,
        createdAt: spk.createdAt,
        publicKey: toBase64Url(spk.publicKey),
        signature: toBase64Url(spk.signature),
      },
      oneTimePrekey: taken ? { id: taken.id, publicKey: toBase64Url(takenBytes(taken.public_key)) } : null,
      noOneTimePrekey: !taken,
      remaining,
    },
  };
}
