// KDF parameters, login, refresh, logout and session management (docs/api.md, "Sessions").

import { Hono } from 'hono';
import { z } from 'zod';
import { normalizeAddress } from '../../../shared/address.ts';
import { KdfRequest, LoginRequest, RefreshRequest } from '../../../shared/api/accounts.ts';
import { credentialsByAddress } from '../accounts/account-store.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, SMALL_BODY_BYTES } from '../http/body-limit.ts';
import { serverSecret } from '../http/config.ts';
import { accountCors } from '../http/cors.ts';
import { ApiError } from '../http/errors.ts';
import { validate, validateJson } from '../http/validation.ts';
import { authKeyMatches, fakeKdfParams, UNKNOWN_ACCOUNT_AUTH } from './auth-key.ts';
import { trustedDevice } from './device-tokens.ts';
import { prepareSession } from './issue-session.ts';
import {
  clearDeviceFailures,
  clearLoginFailures,
  lockoutClient,
  reserveDeviceAttempt,
  reserveLoginAttempt,
} from './lockout.ts';
import { requireAccount } from './require-account.ts';
import { liveSessions, revokeAccountSession, revokeSession, rotateRefreshToken } from './session-store.ts';
import { ACCESS_TOKEN_TTL_MS, newToken, REFRESH_TOKEN_TTL_MS, tokenHash } from './tokens.ts';

export const authRoutes = new Hono<AppEnv>()
  .use('*', accountCors, limitBody(SMALL_BODY_BYTES))
  // Known and unknown addresses take the same path: one D1 read and one HMAC each.
  .post('/kdf', validateJson(KdfRequest), async (c) => {
    const address = normalizeAddress(c.req.valid('json').address);
    const [account, fake] = await Promise.all([
      credentialsByAddress(c.env.DB, address),
      fakeKdfParams(serverSecret(c.env), address),
    ]);
    c.header('Cache-Control', 'no-store');
    return c.json({ kdf: account ? account.kdf : fake });
  })
  .post('/login', validateJson(LoginRequest), async (c) => {
    const body = c.req.valid('json');
    const address = normalizeAddress(body.address);
    const client = lockoutClient(c.req);
    const now = Date.now();
    const account = await credentialsByAddress(c.env.DB, address);
    // A device token is looked up whenever one is presented, so its answer says nothing about
    // whether the address is registered; it counts only when it belongs to this address's account.
    const device = await trustedDevice(c.env.DB, body.deviceToken, account?.accountId, now);
    const reservation = device
      ? await reserveDeviceAttempt(c.env.DB, device, now)
      : await reserveLoginAttempt(c.env.DB, address, client, now);
    if (!reservation.ok) {
      c.header('Retry-After', String(Math.ceil(reservation.retryAfterMs / 1000)));
      throw new ApiError(429, 'login_locked', 'Too many failed logins; try again later.');
    }
    const matches = await authKeyMatches(body.authKey, account?.auth ?? UNKNOWN_ACCOUNT_AUTH);
    if (!account || !matches) throw new ApiError(401, 'invalid_credentials', 'Wrong address or passphrase.');
    if (device) await clearDeviceFailures(c.env.DB, device);
    else await clearLoginFailures(c.env.DB, address, client);
    const { tokens, statements } = await prepareSession(
      c.env.DB,
      account.accountId,
      body.deviceName,
      c.req.header('User-Agent') ?? '',
      now,
      device,
    );
    await c.env.DB.batch(statements);
    return c.json(tokens);
  })
  .post('/refresh', validateJson(RefreshRequest), async (c) => {
    const now = Date.now();
    const accessToken = newToken();
    const refreshToken = newToken();
    const outcome = await rotateRefreshToken(c.env.DB, await tokenHash(c.req.valid('json').refreshToken), {
      accessHash: await tokenHash(accessToken),
      refreshHash: await tokenHash(refreshToken),
      now,
      accessExpiresAt: now + ACCESS_TOKEN_TTL_MS,
      refreshExpiresAt: now + REFRESH_TOKEN_TTL_MS,
    });
    if (outcome.kind === 'reused') {
      throw new ApiError(
        401,
        'refresh_token_reused',
        'This refresh token was already used; the session is revoked.',
      );
    }
    if (outcome.kind === 'invalid')
      throw new ApiError(401, 'invalid_refresh_token', 'Unknown or expired refresh token.');
    const s = outcome.session;
    return c.json({
      sessionId: s.id,
      accountId: s.accountId,
      accessToken,
      accessExpiresAt: s.accessExpiresAt,
      refreshToken,
      refreshExpiresAt: s.refreshExpiresAt,
    });
  })
  .post('/logout', requireAccount, async (c) => {
    await revokeSession(c.env.DB, c.var.sessionId, Date.now());
    return c.json({ ok: true as const });
  });

const SessionIdParam = z.strictObject({ id: z.string().min(1).max(64) });

export const sessionRoutes = new Hono<AppEnv>()
  .use('*', accountCors, limitBody(SMALL_BODY_BYTES), requireAccount)
  .get('/', async (c) => {
    const sessions = await liveSessions(c.env.DB, c.var.accountId, Date.now());
    return c.json({
      sessions: sessions.map((s) => ({
        id: s.id,
        deviceName: s.deviceName,
        userAgent: s.userAgent,
        createdAt: s.createdAt,
        lastUsedAt: s.lastUsedAt,
        current: s.id === c.var.sessionId,
      })),
    });
  })
  .delete('/:id', validate('param', SessionIdParam), async (c) => {
    const revoked = await revokeAccountSession(
      c.env.DB,
      c.var.accountId,
      c.req.valid('param').id,
      Date.now(),
    );
    if (!revoked) throw new ApiError(404, 'session_not_found', 'No such live session on this account.');
    return c.json({ ok: true as const });
  });
