// Registration and the account overview. Registration carries the client-made public keys; they
// are checked before anything is written, and the account, its session and its published keys
// are written in one D1 batch, so no half-created account stays behind.

import { type Context, Hono } from 'hono';
import { normalizeAddress } from '../../../shared/address.ts';
import { AddAddressRequest, RegisterRequest } from '../../../shared/api/accounts.ts';
import { hashAuthKey } from '../auth/auth-key.ts';
import { prepareSession } from '../auth/issue-session.ts';
import { requireAccount } from '../auth/require-account.ts';
import { newId, tokenHash } from '../auth/tokens.ts';
import { clientConstraintError } from '../directory/batch.ts';
import { KEY_CHANGED_ERROR } from '../directory/keys-table.ts';
import { planPublish } from '../directory/publish.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, REGISTER_BODY_BYTES, SMALL_BODY_BYTES } from '../http/body-limit.ts';
import { accountCors } from '../http/cors.ts';
import { ApiError } from '../http/errors.ts';
import { validateJson } from '../http/validation.ts';
import { invalidateLookups } from '../lookup/cache.ts';
import { edgeClient } from '../lookup/client-key.ts';
import { consumeProofStatement, proofValid } from '../verification/verification-store.ts';
import {
  accountOverview,
  addAddressStatement,
  addressTaken,
  insertAccountStatements,
} from './account-store.ts';
import { type AddressKind, classifyAddress } from './address-rules.ts';
import {
  addInboxStatement,
  claimStatements,
  INBOX_LIMITS,
  inboxLimitError,
  inboxLimitReached,
  serviceInboxCount,
} from './inbox-quota.ts';

interface AdmittedAddress {
  address: string;
  kind: AddressKind;
  proofHash: string | undefined;
  /** The client whose inbox claims the batch counts (service inboxes only). */
  client: string | undefined;
}

/**
 * Checks that the caller may claim the address: an external address needs a live proof made
 * for this purpose (a new account: `accountId` null; adding: that account). Counts nothing: the
 * limits are drawn by the batch that writes the address (inbox-quota.ts).
 */
async function admitAddress(
  c: Context<AppEnv>,
  rawAddress: string,
  proofToken: string | undefined,
  now: number,
  accountId: string | null,
): Promise<AdmittedAddress> {
  const env = c.env;
  const address = normalizeAddress(rawAddress);
  const kind = classifyAddress(address, env.SERVICE_DOMAIN);
  let proofHash: string | undefined;
  if (kind === 'external') {
    if (!proofToken) throw new ApiError(400, 'proof_required', 'An external address must be verified first.');
    proofHash = await tokenHash(proofToken);
    if (!(await proofValid(env.DB, { proofHash, address, accountId, now }))) {
      throw new ApiError(
        403,
        'invalid_proof',
        'The verification proof is unknown, expired, for another address or for another purpose.',
      );
    }
  }
  if (await addressTaken(env.DB, address))
    throw new ApiError(409, 'address_taken', 'This address belongs to an account.');
  if (
    kind === 'service' &&
    accountId &&
    (await serviceInboxCount(env.DB, accountId)) >= INBOX_LIMITS.perAccount
  )
    throw inboxLimitReached();
  const client = kind === 'service' ? edgeClient(c.req.header('CF-Connecting-IP')) : undefined;
  return { address, kind, proofHash, client };
}

/** Runs the batch that writes an address, mapping every limit and race to its 4xx answer. */
async function writeAddressBatch(
  c: Context<AppEnv>,
  admitted: AdmittedAddress,
  statements: D1PreparedStatement[],
  now: number,
): Promise<void> {
  try {
    await c.env.DB.batch(statements);
  } catch (err) {
    const limit = await inboxLimitError(c.env.DB, err, admitted.client, now, (s) =>
      c.header('Retry-After', String(s)),
    );
    if (limit) throw limit;
    if (/UNIQUE constraint failed: addresses/i.test(String(err)))
      throw new ApiError(409, 'address_taken', 'This address belongs to an account.');
    if (KEY_CHANGED_ERROR.test(String(err)))
      throw new ApiError(409, 'key_in_use', 'This key is published by another account.');
    throw clientConstraintError(err) ?? err;
  }
}

export const registerRoutes = new Hono<AppEnv>()
  .use('*', accountCors, limitBody(REGISTER_BODY_BYTES))
  // One batch creates the account, its address, session and published keys and counts the
  // inbox claim: a registration that fails anywhere leaves nothing behind and uses up nothing.
  .post('/', validateJson(RegisterRequest), async (c) => {
    const body = c.req.valid('json');
    const now = Date.now();
    const admitted = await admitAddress(c, body.address, body.proofToken, now, null);
    const { address, kind, proofHash } = admitted;
    const accountId = newId();
    // 400 for secret key material or unusable keys, before anything is written.
    const plan = await planPublish(c.env, accountId, body.keys, [address], now);
    const session = await prepareSession(
      c.env.DB,
      accountId,
      body.deviceName,
      c.req.header('User-Agent') ?? '',
      now,
    );
    await writeAddressBatch(
      c,
      admitted,
      [
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
        ...claimStatements(c.env.DB, admitted.client, now),
        ...plan.statements,
      ],
      now,
    );
    await invalidateLookups(c.env, plan.change);
    return c.json(
      {
        accountId,
        addresses: [{ address, kind, verifiedAt: now }],
        fingerprint: plan.result.fingerprint,
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
      const accountId = c.var.accountId;
      const admitted = await admitAddress(c, body.address, body.proofToken, now, accountId);
      const { address, kind, proofHash } = admitted;
      await writeAddressBatch(
        c,
        admitted,
        [
          kind === 'service'
            ? addInboxStatement(c.env.DB, { accountId, address, now })
            : addAddressStatement(c.env.DB, { accountId, address, kind, now }),
          ...(proofHash ? [consumeProofStatement(c.env.DB, proofHash)] : []),
          ...claimStatements(c.env.DB, admitted.client, now),
        ],
        now,
      );
      return c.json({ address, kind, verifiedAt: now }, 201);
    },
  );
