// CORS. Public lookups answer any origin; account routes answer only the extension's origins,
// and a browser request from any other origin is refused outright (403) rather than merely left
// unreadable, so a web page cannot even trigger them. Account routes also refuse to run on a
// production Worker that is not configured (config.ts).

import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv, Bindings } from '../env.ts';
import {
  ANY_FIREFOX_EXTENSION,
  EXTENSION_ORIGIN,
  extensionOrigins,
  isDevelopment,
  notConfigured,
} from './config.ts';
import { errorResponse } from './errors.ts';

/**
 * EXTENSION_ORIGINS lists exact origins. Empty means any chrome-extension:// or moz-extension://
 * origin, in development only; a production Worker without the list serves no account route.
 */
export function isExtensionOrigin(
  env: Pick<Bindings, 'EXTENSION_ORIGINS' | 'ENVIRONMENT'>,
  origin: string,
): boolean {
  const allowed = extensionOrigins(env);
  if (
    allowed.includes(ANY_FIREFOX_EXTENSION) &&
    origin.startsWith('moz-extension://') &&
    EXTENSION_ORIGIN.test(origin)
  )
    return true;
  if (allowed.length > 0) return allowed.includes(origin);
  return isDevelopment(env) && EXTENSION_ORIGIN.test(origin);
}

const ALLOW_HEADERS = ['Authorization', 'Content-Type', 'If-Match'];
const EXPOSE_HEADERS = ['ETag', 'Retry-After'];

const extensionOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('Origin');
  // No Origin: not a cross-origin browser request (CLI, Node, same-origin GET).
  if (origin !== undefined && !isExtensionOrigin(c.env, origin)) {
    return errorResponse(c, 403, 'origin_not_allowed', 'This origin may not call account routes.');
  }
  return accountCorsHeaders(c, next);
};

export const accountCors: MiddlewareHandler<AppEnv> = async (c, next) =>
  notConfigured(c) ?? extensionOnly(c, next);

const accountCorsHeaders = cors({
  origin: (origin) => origin,
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowHeaders: ALLOW_HEADERS,
  exposeHeaders: EXPOSE_HEADERS,
  maxAge: 600,
});

/** Public lookups: any origin, no credentials. */
export const publicCors: MiddlewareHandler<AppEnv> = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'POST'],
  allowHeaders: ['Content-Type'],
  exposeHeaders: EXPOSE_HEADERS,
  maxAge: 86400,
});
