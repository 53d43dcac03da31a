// CORS of the inbox API: the account routes' origin rule and configuration check
// (worker/src/http/cors.ts, config.ts), plus what
// reading a mailbox needs: PATCH for flags, Range and If-None-Match in, Content-Range and the
// stored format out.

import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../env.ts';
import { notConfigured } from '../http/config.ts';
import { isExtensionOrigin } from '../http/cors.ts';
import { errorResponse } from '../http/errors.ts';

export const FORMAT_HEADER = 'X-Noise-Format';

const inboxCorsHeaders = cors({
  origin: (origin) => origin,
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Range'],
  exposeHeaders: ['ETag', 'Retry-After', 'Content-Range', 'Accept-Ranges', FORMAT_HEADER],
  maxAge: 600,
});

export const inboxCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const refused = notConfigured(c);
  if (refused) return refused;
  const origin = c.req.header('Origin');
  if (origin !== undefined && !isExtensionOrigin(c.env, origin))
    return errorResponse(c, 403, 'origin_not_allowed', 'This origin may not call account routes.');
  return inboxCorsHeaders(c, next);
};
