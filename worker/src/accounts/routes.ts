// Registration and the account overview (issue 3 §2). Registration carries the client-made
// public keys; they are checked before anything is written, and an account whose keys then
// fail to publish is removed again, so no half-created account stays behind.

import { type Context, Hono } from 'hono';
import { AddAddressRequest, RegisterRequest } from '../../../shared/api/accounts.ts';
import { hashAuthKey } from '../auth/auth-key.ts';
import { prepareSession } from '../auth/issue-session.ts';
import { requireAccount } from '../auth/require-account.ts';
import { newId, tokenHash } from '../auth/tokens.ts';
import { checkKeys, publishKeys } from '../directory/publish.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, REGISTER_BODY_BYTES, SMALL_BODY_BYTES } from '../http/body-limit.ts';
import { accountCors } from '../http/cors.ts';
import { ApiError } from '../http/errors.ts';
import { validateJson } from '../http/validation.ts';
import { consumeProofStatement, proofValid } from '../verification/verification-store.ts';
import {
  accountOverview,
  addAddressStatement,
  addressTaken,
  deleteAccount,
  insertAccountStatements,
} from './account-store.ts';
import { type AddressKind, classifyAddress, normalizeAddress } from './address-rules.ts';
import { admitInboxClaim, claimingClient } from './inbox-quota.ts';

/**
 * Checks that the caller may claim the address, and counts an inbox claim against its limits;
 * returns the proof to consume, if any.
 */
async function admitAddress(
  c: Context<AppEnv>,
  rawAddress: string,
  proofToken: string | undefined,
  now: number,
  accountId: string | null,
): Promise<{ address: string; kind: AddressKind; proofHash: string | undefined }> {
  const env = c.env;
  const address = normalizeAddress(rawAddress);
  const kind = classifyAddress(address, env.SERVICE_DOMAIN);
  let proofHash: string | undefined;
  if (kind === 'external') {
    if (!proofToken) throw new ApiError(400, 'proof_required', 'An external address must be verified first.');
    proofHash = await tokenHash(proofToken);
    if (!(await proofValid(env.DB, proofHash, address, now))) {
      throw new ApiError(
        403,
        'invalid_proof',
        'The verification proof is unknown, expired or for another address.',
      );
    }
  }
  if (await addressTaken(env.DB, address))
    throw new ApiError(409, 'address_taken', 'This address belongs to an account.');
  if (kind === 'service') {
    const client = claimingClient(c.req.header('CF-Connecting-IP'));
    const refused = await admitInboxClaim(env.DB, { accountId, client, now });
    if (refused) {
      c.header('Retry-After', String(refused.retryAfter));
      throw new ApiError(429, 'too_many_inboxes', 'Too many inboxes were claimed from this network today.');
    }
  }
  return { address, kind, proofHash };
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && /UNIQUE constraint failed/i.test(err.message);
}

export const registerRoutes = new Hono<AppEnv>()
  .use('*', accountCors, limitBody(REGISTER_BODY_BYTES))
  .post('/', validateJson(RegisterRequest), async (c) => {
    const body = c.req.valid('json');
    const now = Date.now();
    const { address, kind, proofHash } = await admitAddress(c, body.address, body.proofToken, now, null);
    // 400 for secret key material or unusable keys, before anything is written.
    await checkKeys(c.env, body.keys, [address]);
    const accountId = newId();
    const session = await prepareSession(
      c.env.DB,
      accountId,
      body.deviceName,
      c.req.header('User-Agent') ?? '',
      now,
    );
    const statements = [
      ...insertAccountStatements(c.env.DB, {
        id: accountId,
        now,
        auth: await hashAuthKey(body.authKey),
        kdf: body.kdf,
        vault: body.vault,
        address,
        kind,
      }),
      ...session.statements,
      ...(proofHash ? [consumeProofStatement(c.env.DB, proofHash)] : []),
    ];
    try {
      await c.env.DB.batch(statements);
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ApiError(409, 'address_taken', 'This address belongs to an account.');
      throw err;
    }
    let fingerprint: string;
    try {
      fingerprint = (await publishKeys(c.env, accountId, body.keys)).fingerprint;
    } catch (err) {
      await deleteAccount(c.env.DB, accountId);
      throw err;
    }
    return c.json(
      {
        accountId,
        addresses: [{ address, kind, verifiedAt: now }],
        fingerprint,
        session: session.tokens,
      },
      201,
    );
  });

export const accountRoutes = new Hono<AppEnv>()
  .use('*', accountCors)
  .get('/', limitBody(SMALL_BODY_BYTES), requireAccount, async (c) => {
    const o = await accountOverview(c.env.DB, c.var.accountId);
    if (!o) throw new ApiError(404, 'account_not_found', 'No such account.');
    return c.json({
      accountId: c.var.accountId,
      createdAt: o.createdAt,
      addresses: o.addresses,
      vaultVersion: o.vaultVersion,
    });
  })
  // Adds another proven address; the client then re-publishes its key to bind the new user ID.
  .post(
    '/addresses',
    limitBody(SMALL_BODY_BYTES),
    requireAccount,
    validateJson(AddAddressRequest),
    async (c) => {
      const body = c.req.valid('json');
      const now = Date.now();
      const { address, kind, proofHash } = await admitAddress(
        c,
        body.address,
        body.proofToken,
        now,
        c.var.accountId,
      );
      try {
        await c.env.DB.batch([
          addAddressStatement(c.env.DB, { accountId: c.var.accountId, address, kind, now }),
          ...(proofHash ? [consumeProofStatement(c.env.DB, proofHash)] : []),
        ]);
      } catch (err) {
        if (isUniqueViolation(err))
          throw new ApiError(409, 'address_taken', 'This address belongs to an account.');
        throw err;
      }
      return c.json({ address, kind, verifiedAt: now }, 201);
    },
  );
