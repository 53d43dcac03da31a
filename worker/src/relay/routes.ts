// The outbound relay's routes (docs/api.md, relay): sending (authenticated, extension origins),
// the account's send log, and the relay key document at its well-known URL (public, any origin).

import { Hono } from 'hono';
import { requireAccount } from '../auth/require-account.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, SMALL_BODY_BYTES } from '../http/body-limit.ts';
import { accountCors, publicCors } from '../http/cors.ts';
import { quotaUsage } from './delivery-quota.ts';
import { keyDocument, relayKeys } from './relay-keys.ts';
import { readSendRequest } from './request.ts';
import { relaySend, SendLimited } from './send.ts';
import { listSends } from './send-log.ts';

const KEY_CACHE_SECONDS = 3600;

const messages = new Hono<AppEnv>()
  .use('*', accountCors, requireAccount)
  .post('/', async (c) => {
    const { meta, message } = await readSendRequest(c);
    try {
      const result = await relaySend(
        c.env,
        { accountId: c.var.accountId, sessionId: c.var.sessionId },
        meta,
        message,
      );
      return c.json(result);
    } catch (e) {
      if (e instanceof SendLimited) c.header('Retry-After', String(e.retryAfter));
      throw e;
    }
  })
  .get('/', limitBody(SMALL_BODY_BYTES), async (c) => {
    const now = Date.now();
    const [entries, quota] = await Promise.all([
      listSends(c.env.DB, c.var.accountId),
      quotaUsage(c.env, c.var.accountId, now),
    ]);
    return c.json({ entries, quota });
  });

const wellKnown = new Hono<AppEnv>().use('*', publicCors).get('/noise-relay-key', async (c) => {
  const keys = await relayKeys(c.env);
  const now = Date.now();
  const untilRotation = keys.rotatesAt ? Math.floor((Date.parse(keys.rotatesAt) - now) / 1000) : Infinity;
  c.header('Cache-Control', `public, max-age=${Math.max(0, Math.min(KEY_CACHE_SECONDS, untilRotation))}`);
  return c.json(keyDocument(keys));
});

export const relayRoutes = new Hono<AppEnv>()
  .route('/api/v1/relay/messages', messages)
  .route('/.well-known', wellKnown);
