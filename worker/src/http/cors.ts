// CORS (issue 3 §1). Public lookups answer any origin; account routes answer only the
// extension's origins, and a browser request from any other origin is refused outright
// (403) rather than merely left unreadable, so a web page cannot even trigger them.

import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../env.ts';
import { errorResponse } from './errors.ts';

const EXTENSION_SCHEME = /^(?:chrome-extension|moz-extension):\/\/[a-z0-9-]{1,64}$/;

/** EXTENSION_ORIGINS lists exact origins; empty means any chrome-extension:// or moz-extension:// origin. */
export function isExtensionOrigin(origin: string, configured: string | undefined): boolean {
  const allowed = (configured ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  if (allowed.length > 0) return allowed.includes(origin);
  return EXTENSION_SCHEME.test(origin);
}

const ALLOW_HEADERS = ['Authorization', 'Content-Type', 'If-Match'];
const EXPOSE_HEADERS = ['ETag', 'Retry-After'];

export const accountCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('Origin');
  // No Origin: not a cross-origin browser request (CLI, Node, same-origin GET).
  if (origin !== undefined && !isExtensionOrigin(origin, c.env.EXTENSION_ORIGINS)) {
    return errorResponse(c, 403, 'origin_not_allowed', 'This origin may not call account routes.');
  }
  return accountCorsHeaders(c, next);
};

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
