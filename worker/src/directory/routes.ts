// Authenticated publishing routes, extension origins only (docs/api.md, "Directory").

import { Hono } from 'hono';
import { PublishKeysRequest, RevocationRequest } from '../../../shared/api/directory.ts';
import { requireAccount } from '../auth/require-account.ts';
import type { AppEnv } from '../env.ts';
import { limitBody } from '../http/body-limit.ts';
import { accountCors } from '../http/cors.ts';
import { validateJson } from '../http/validation.ts';
import { publishKeys } from './publish.ts';
import { publishRevocation } from './revoke.ts';

/** An armored key ≤ 64 KiB plus ≤ 200 prekeys and the JSON around them. */
const PUBLISH_BODY_BYTES = 128 * 1024;

export const directoryRoutes = new Hono<AppEnv>()
  .use('*', accountCors, limitBody(PUBLISH_BODY_BYTES), requireAccount)
  .post('/keys', validateJson(PublishKeysRequest), async (c) =>
    c.json(
      await publishKeys(c.env, c.var.accountId, c.req.valid('json'), (s) =>
        c.header('Retry-After', String(s)),
      ),
    ),
  )
  .post('/revocation', validateJson(RevocationRequest), async (c) => {
    const { fingerprint } = await publishRevocation(
      c.env,
      c.var.accountId,
      c.req.valid('json').revocation,
      (s) => c.header('Retry-After', String(s)),
    );
    return c.json({ fingerprint, revoked: true as const });
  });
