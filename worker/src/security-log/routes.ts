// GET /api/v1/security-log (docs/api.md, "Security log"): the account's own events, newest first.

import { Hono } from 'hono';
import { requireAccount } from '../auth/require-account.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, SMALL_BODY_BYTES } from '../http/body-limit.ts';
import { accountCors } from '../http/cors.ts';
import { listSecurityEvents } from './security-log-table.ts';

export const securityLogRoutes = new Hono<AppEnv>()
  .use('*', accountCors, requireAccount, limitBody(SMALL_BODY_BYTES))
  .get('/', async (c) => c.json({ events: await listSecurityEvents(c.env.DB, c.var.accountId) }));
