// Makes a new session's tokens and a device token (device-tokens.ts); the caller runs the
// returned statements (alone or inside a larger batch, as registration does).

import type { SessionTokens } from '../../../shared/api/accounts.ts';
import { issueDeviceToken } from './device-tokens.ts';
import { insertSessionStatements } from './session-store.ts';
import { ACCESS_TOKEN_TTL_MS, newId, newToken, REFRESH_TOKEN_TTL_MS, tokenHash } from './tokens.ts';

export async function prepareSession(
  db: D1Database,
  accountId: string,
  deviceName: string,
  userAgent: string,
  now: number,
  /** The device token this login presented (its hash), rotated by the new one. */
  replacesDevice: string | null = null,
): Promise<{ tokens: SessionTokens; statements: D1PreparedStatement[] }> {
  const device = await issueDeviceToken(db, accountId, now, replacesDevice);
  const tokens: SessionTokens = {
    sessionId: newId(),
    accountId,
    accessToken: newToken(),
    accessExpiresAt: now + ACCESS_TOKEN_TTL_MS,
    refreshToken: newToken(),
    refreshExpiresAt: now + REFRESH_TOKEN_TTL_MS,
    deviceToken: device.token,
  };
  const statements = insertSessionStatements(db, {
    id: tokens.sessionId,
    accountId,
    deviceName,
    userAgent: userAgent.slice(0, 300),
    accessHash: await tokenHash(tokens.accessToken),
    refreshHash: await tokenHash(tokens.refreshToken),
    now,
    accessExpiresAt: tokens.accessExpiresAt,
    refreshExpiresAt: tokens.refreshExpiresAt,
  });
  return { tokens, statements: [...statements, ...device.statements] };
}
