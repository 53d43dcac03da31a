// Prekey routes: the account uploads its signed prekey and one-time prekeys and
// reads its stock (extension origins, authenticated); anyone fetches a bundle (any origin).

import { Hono } from 'hono';
import { normalizeAddress } from '../../../shared/address.ts';
import {
  Address,
  ONE_TIME_PREKEY_CAP,
  OneTimePrekeysRequest,
  type PrekeyStock,
  SignedPrekey,
} from '../../../shared/api/directory.ts';
import { fromBase64Url } from '../../../shared/encoding.ts';
import { requireAccount } from '../auth/require-account.ts';
import { runBatch } from '../directory/batch.ts';
import { appendLogStatement } from '../directory/log-table.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, SMALL_BODY_BYTES } from '../http/body-limit.ts';
import { accountCors, publicCors } from '../http/cors.ts';
import { ApiError, errorResponse } from '../http/errors.ts';
import { validateJson } from '../http/validation.ts';
import { requesterOf } from '../lookup/resolve.ts';
import { servedFingerprints, withProof } from '../transparency/served-proof.ts';
import { fetchBundle } from './bundle.ts';
import { decodeOneTimePrekeys, decodeSignedPrekey } from './envelope-keys.ts';
import { SIGNED_PREKEY_GRACE_MS } from './envelope-publish.ts';
import {
  currentSignedPrekey,
  identityOf,
  insertOneTimePrekeyStatement,
  oneTimePrekeyCount,
  rotateSignedPrekeyStatements,
} from './prekeys-table.ts';

async function stock(db: D1Database, accountId: string): Promise<PrekeyStock> {
  const [spk, count] = await Promise.all([
    currentSignedPrekey(db, accountId),
    oneTimePrekeyCount(db, accountId),
  ]);
  return {
    signedPrekey: spk ? { id: spk.id, createdAt: spk.createdAt } : null,
    oneTimePrekeys: count,
    cap: ONE_TIME_PREKEY_CAP,
  };
}

async function requireIdentity(db: D1Database, accountId: string) {
  const identity = await identityOf(db, accountId);
  if (!identity) throw new ApiError(409, 'no_identity', 'Publish an envelope identity first.');
  return identity;
}

const account = [accountCors, requireAccount] as const;

export const prekeyRoutes = new Hono<AppEnv>()
  .use('/signed', ...account, limitBody(SMALL_BODY_BYTES))
  .use('/one-time', ...account, limitBody(64 * 1024))
  .use('/stock', ...account, limitBody(SMALL_BODY_BYTES))
  .use('/bundle/*', publicCors, limitBody(1024))
  .put('/signed', validateJson(SignedPrekey), async (c) => {
    const accountId = c.var.accountId;
    const identity = await requireIdentity(c.env.DB, accountId);
    const spk = decodeSignedPrekey(identity.signingKey, c.req.valid('json'));
    const previous = await currentSignedPrekey(c.env.DB, accountId);
    const now = Date.now();
    await runBatch(c.env.DB, [
      ...rotateSignedPrekeyStatements(c.env.DB, accountId, spk, now, SIGNED_PREKEY_GRACE_MS),
      appendLogStatement(c.env.DB, { accountId, action: 'signed_prekey' }, now),
    ]);
    return c.json({ id: spk.id, previousId: previous && previous.id !== spk.id ? previous.id : null });
  })
  .post('/one-time', validateJson(OneTimePrekeysRequest), async (c) => {
    const accountId = c.var.accountId;
    await requireIdentity(c.env.DB, accountId);
    const batch = decodeOneTimePrekeys(c.req.valid('json').oneTimePrekeys);
    const held = await oneTimePrekeyCount(c.env.DB, accountId);
    if (held + batch.length > ONE_TIME_PREKEY_CAP)
      throw new ApiError(
        400,
        'prekey_stock_full',
        `At most ${ONE_TIME_PREKEY_CAP} one-time prekeys may be in stock (${held} held).`,
      );
    const now = Date.now();
    await runBatch(
      c.env.DB,
      batch.map((p) => insertOneTimePrekeyStatement(c.env.DB, accountId, p, now)),
    );
    return c.json(await stock(c.env.DB, accountId));
  })
  .get('/stock', async (c) => c.json(await stock(c.env.DB, c.var.accountId)))
  .post('/bundle/:address', async (c) => {
    const address = c.req.param('address').trim();
    if (!Address.safeParse(address).success)
      throw new ApiError(400, 'invalid_address', 'Not an email address.');
    const logSize = c.req.query('logSize');
    if (logSize !== undefined && !/^(0|[1-9][0-9]{0,15})$/.test(logSize))
      throw new ApiError(400, 'invalid_request', 'logSize is a tree size in decimal.');
    let retryAfter: number | undefined;
    // transparency-v1 §8: the bundle carries the proof that the log binds its identity and key.
    const answer = await withProof(
      c.env,
      normalizeAddress(address),
      async () => {
        const result = await fetchBundle(c.env, address, requesterOf(c.req));
        if ('retryAfter' in result) {
          retryAfter = result.retryAfter;
          return null;
        }
        const b = result.bundle;
        const identity = {
          signingKey: fromBase64Url(b.identity.signingKey),
          dhKey: fromBase64Url(b.identity.dhKey),
        };
        return { value: b, served: servedFingerprints(b.fingerprint, identity) };
      },
      { reread: false, ...(logSize ? { knownSize: Number(logSize) } : {}) },
    );
    if (!answer) {
      c.header('Retry-After', String(retryAfter ?? 60));
      return errorResponse(c, 429, 'rate_limited', 'Too many bundle fetches; try again later.');
    }
    return c.json(answer.bundle ? { ...answer.value, transparency: answer.bundle } : answer.value);
  });
