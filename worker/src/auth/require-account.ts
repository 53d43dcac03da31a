// Authenticates a request by its short-lived access token. Missing, malformed,
// expired or revoked tokens get the same 401 so the answer does not say which one it was.

import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { errorResponse } from '../http/errors.ts';
import { sessionByAccessHash, touchSession } from './session-store.ts';
import { bearerToken, tokenHash } from './tokens.ts';

export const requireAccount: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearerToken(c.req.header('Authorization'));
  if (!token) return unauthorized(c);
  const now = Date.now();
  const session = await sessionByAccessHash(c.env.DB, await tokenHash(token));
  if (!session || session.revokedAt !== null || session.accessExpiresAt <= now) return unauthorized(c);
  c.set('accountId', session.accountId);
  c.set('sessionId', session.id);
  // last_used_at only needs minute precision; skip the write on bursts.
  if (now - session.lastUsedAt > 60_000) await touchSession(c.env.DB, session.id, now);
  await next();
};

function unauthorized(c: Parameters<MiddlewareHandler<AppEnv>>[0]) {
  c.header('WWW-Authenticate', 'Bearer');
  return errorResponse(c, 401, 'unauthorized', 'A valid access token is required.');
}

/** Authenticates when an Authorization header is present (401 if it is bad); passes otherwise. */
export const optionalAccount: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.header('Authorization') === undefined) return next();
  return requireAccount(c, next);
};
