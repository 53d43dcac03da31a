// Prekey bundle fetch: identity + current signed prekey + at most one one-time prekey, taken out
// of stock atomically by a single DELETE … RETURNING.
// Against draining (docs/threat-model.md): two token buckets. The requester's own bucket is
// checked first, on its own: a requester over its limit gets 429 and touches nothing of the
// target's. The target's bucket limits one-time prekey handouts and is drawn only when a
// one-time prekey is actually handed out (same batch, same transaction), so bundles without one
// cost the target nothing and one noisy requester cannot spend another requester's handout.

import { normalizeAddress } from '../../../shared/address.ts';
import type { PrekeyBundle } from '../../../shared/api/directory.ts';
import {
  identityToJson,
  oneTimePrekeyToJson,
  signedPrekeyToJson,
} from '../../../shared/envelope/public-json.ts';
import { newId } from '../auth/tokens.ts';
import { bindingByAddress } from '../directory/keys-table.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import {
  type BucketSpec,
  HOUR_MS,
  MINUTE_MS,
  pruneBucketsStatement,
  takeToken,
  takeTokenStatement,
} from '../http/rate-limit.ts';
import {
  countOneTimePrekeysStatement,
  currentSignedPrekey,
  HAS_ONE_TIME_PREKEY,
  identityOf,
  type TakenPrekey,
  takenBytes,
  takeOneTimePrekeyStatement,
} from './prekeys-table.ts';

export const BUNDLE_LIMITS = {
  /** Bundle fetches per requester (CF-Connecting-IP, IPv6 by /64): 30 at once, 30 a minute. */
  requester: { capacity: 30, periodMs: MINUTE_MS },
  /** One-time prekey handouts per target account: 100 at once, 100 an hour (stock cap 200). */
  target: { capacity: 100, periodMs: HOUR_MS },
} as const satisfies Record<string, BucketSpec>;

export async function fetchBundle(
  env: Pick<Bindings, 'DB'>,
  rawAddress: string,
  requester: string,
): Promise<{ bundle: PrekeyBundle } | { retryAfter: number }> {
  const db = env.DB;
  const address = normalizeAddress(rawAddress);
  const binding = await bindingByAddress(db, address);
  if (!binding) throw new ApiError(404, 'not_found', 'No key is published for this address.');
  const [identity, spk] = await Promise.all([
    identityOf(db, binding.accountId),
    currentSignedPrekey(db, binding.accountId),
  ]);
  if (!identity || !spk) throw new ApiError(404, 'no_envelope', 'This address has no envelope keys.');

  const now = Date.now();
  const own = await takeToken(db, `bundle-requester:${requester}`, BUNDLE_LIMITS.requester, now);
  if (!own.ok) return { retryAfter: Math.ceil(own.retryAfterMs / 1000) };

  const bucket = `bundle-target:${binding.accountId}`;
  const takenBy = newId();
  const [, take, count] = await db.batch<TakenPrekey & { n: number }>([
    takeTokenStatement(db, bucket, BUNDLE_LIMITS.target, now, {
      takenBy,
      when: { sql: HAS_ONE_TIME_PREKEY, binds: [binding.accountId] },
    }),
    takeOneTimePrekeyStatement(db, binding.accountId, bucket, takenBy),
    countOneTimePrekeysStatement(db, binding.accountId),
    pruneBucketsStatement(db, now),
  ]);
  const taken = take?.results[0];
  const remaining = count?.results[0]?.n ?? 0;
  return {
    bundle: {
      address,
      identity: identityToJson(identity),
      signedPrekey: signedPrekeyToJson(spk),
      oneTimePrekey: taken
        ? oneTimePrekeyToJson({ id: taken.id, publicKey: takenBytes(taken.public_key) })
        : null,
      noOneTimePrekey: !taken,
      remaining,
      fingerprint: binding.fingerprint,
    },
  };
}
