// The encrypted vault: GET with an ETag, PUT with If-Match (412 on conflict, 428 without),
// and the passphrase change that rewraps the auth key and the vault atomically.

import type { Context } from 'hono';
import { Hono } from 'hono';
import { ChangePassphraseRequest, PutVaultRequest } from '../../../shared/api/accounts.ts';
import { credentialsById } from '../accounts/account-store.ts';
import { authKeyMatches, hashAuthKey } from '../auth/auth-key.ts';
import { clearLoginFailures, lockoutClient, reserveLoginAttempt } from '../auth/lockout.ts';
import { requireAccount } from '../auth/require-account.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, VAULT_BODY_BYTES } from '../http/body-limit.ts';
import { accountCors } from '../http/cors.ts';
import { ApiError } from '../http/errors.ts';
import { validateJson } from '../http/validation.ts';
import { currentVaultVersion, readVault, rewrapAccount, swapVault } from './vault-store.ts';

function vaultEtag(version: number): string {
  return `"${version}"`;
}

/** RFC 9110 §13.1.1: If-Match carries entity tags; we accept exactly one strong tag. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = header.trim().match(/^"([1-9][0-9]{0,14})"$/);
  if (!m?.[1]) throw new ApiError(400, 'invalid_if_match', 'If-Match must be one vault ETag, e.g. "3".');
  return Number(m[1]);
}

async function conflict(c: Context<AppEnv>): Promise<never> {
  const version = await currentVaultVersion(c.env.DB, c.var.accountId);
  if (version !== null) c.header('ETag', vaultEtag(version));
  throw new ApiError(
    412,
    'vault_conflict',
    `The vault changed; current version is ${version}. Merge and retry.`,
  );
}

export const vaultRoutes = new Hono<AppEnv>()
  .use('*', accountCors, limitBody(VAULT_BODY_BYTES), requireAccount)
  .get('/', async (c) => {
    const v = await readVault(c.env.DB, c.var.accountId);
    if (!v) throw new ApiError(404, 'account_not_found', 'No such account.');
    c.header('ETag', vaultEtag(v.version));
    c.header('Cache-Control', 'no-store');
    return c.json(v);
  })
  .put('/', validateJson(PutVaultRequest), async (c) => {
    const expected = parseIfMatch(c.req.header('If-Match'));
    if (expected === undefined) {
      throw new ApiError(
        428,
        'if_match_required',
        'Vault writes need If-Match with the version they start from.',
      );
    }
    const version = await swapVault(
      c.env.DB,
      c.var.accountId,
      expected,
      c.req.valid('json').vault,
      Date.now(),
    );
    if (version === null) return conflict(c);
    c.header('ETag', vaultEtag(version));
    return c.json({ version });
  });

export const passphraseRoutes = new Hono<AppEnv>()
  .use('*', accountCors, limitBody(VAULT_BODY_BYTES), requireAccount)
  .post('/', validateJson(ChangePassphraseRequest), async (c) => {
    const body = c.req.valid('json');
    const now = Date.now();
    // The same lockout as login (lockout.ts), counted per account and per client: a stolen
    // session cannot be used to guess the passphrase faster than a login could.
    const lockKey = `account:${c.var.accountId}`;
    const client = lockoutClient(c.req);
    const reservation = await reserveLoginAttempt(c.env.DB, lockKey, client, now);
    if (!reservation.ok) {
      c.header('Retry-After', String(Math.ceil(reservation.retryAfterMs / 1000)));
      throw new ApiError(429, 'login_locked', 'Too many wrong passphrases; try again later.');
    }
    const account = await credentialsById(c.env.DB, c.var.accountId);
    if (!account) throw new ApiError(404, 'account_not_found', 'No such account.');
    if (!(await authKeyMatches(body.currentAuthKey, account.auth))) {
      throw new ApiError(403, 'invalid_credentials', 'The current passphrase is wrong.');
    }
    await clearLoginFailures(c.env.DB, lockKey, client);
    const next = await hashAuthKey(body.newAuthKey);
    const version = await rewrapAccount(c.env.DB, {
      accountId: c.var.accountId,
      sessionId: c.var.sessionId,
      oldHash: account.auth.hash,
      newSalt: next.salt,
      newHash: next.hash,
      kdf: JSON.stringify(body.kdf),
      vault: body.vault,
      expectedVersion: body.vaultVersion,
      now,
    });
    if (version === null) return conflict(c);
    c.header('ETag', vaultEtag(version));
    return c.json({ version });
  });
