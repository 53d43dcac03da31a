// External address verification: a 6-digit code and a link; confirmation is always a POST so
// link prefetchers and scanners, which only GET, cannot confirm. Confirming yields a short-lived
// proof token for registration (started without a session) or for adding the address to the
// account whose session started it. Mail is limited per client and per account before the
// per-address limit, so a sender over its own limit never uses up the address's one mail an hour.

import { EmailMessage } from 'cloudflare:email';
import { Hono } from 'hono';
import { z } from 'zod';
import { limitKey, normalizeAddress } from '../../../shared/address.ts';
import { ConfirmVerificationRequest, StartVerificationRequest } from '../../../shared/api/accounts.ts';
import { equalBytes, fromHex, toHex, utf8 } from '../../../shared/encoding.ts';
import { classifyAddress } from '../accounts/address-rules.ts';
import { optionalAccount } from '../auth/require-account.ts';
import { newToken, tokenHash } from '../auth/tokens.ts';
import { bindingsOfAccount } from '../directory/keys-table.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, SMALL_BODY_BYTES } from '../http/body-limit.ts';
import { requireConfigured, serviceUrl } from '../http/config.ts';
import { accountCors } from '../http/cors.ts';
import { ApiError, errorResponse } from '../http/errors.ts';
import { DAY_MS, HOUR_MS, requireToken } from '../http/rate-limit.ts';
import { validate, validateJson } from '../http/validation.ts';
import { edgeClient } from '../lookup/client-key.ts';
import { buildVerificationMail } from './mail.ts';
import { confirmLinkPage, pendingLinkPage } from './pages.ts';
import {
  claimAttempt,
  confirmLink,
  insertVerification,
  linkIsPending,
  releaseMail,
  reserveMail,
  storeProof,
  VERIFICATION_TTL_MS,
} from './verification-store.ts';

/** Verification mails per client (CF-Connecting-IP) and per account; one per address an hour. */
export const VERIFICATION_LIMITS = {
  perClient: { capacity: 5, periodMs: HOUR_MS },
  perAccount: { capacity: 5, periodMs: DAY_MS },
} as const;

/** Uniform 6-digit code by rejection sampling (no modulo bias). */
function newCode(): string {
  const limit = 4_294_000_000; // largest multiple of 10^6 below 2^32
  for (;;) {
    const [n] = crypto.getRandomValues(new Uint32Array(1));
    if (n !== undefined && n < limit) return String(n % 1_000_000).padStart(6, '0');
  }
}

async function codeHash(idHash: string, code: string): Promise<string> {
  const d = await crypto.subtle.digest(
    'SHA-256',
    utf8(`noise-email/verification-code/v1\u0000${idHash}\u0000${code}`),
  );
  return toHex(new Uint8Array(d));
}

const LinkParam = z.strictObject({
  token: z
    .string()
    .min(16)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/),
});
const IdParam = z.strictObject({
  id: z
    .string()
    .min(16)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/),
});

export const verificationRoutes = new Hono<AppEnv>()
  .use('*', limitBody(SMALL_BODY_BYTES))
  // The link is opened in a browser tab on the Worker's own origin: no extension CORS here.
  .use('/link/*', requireConfigured)
  .get('/link/:token', validate('param', LinkParam), async (c) => {
    const { token } = c.req.valid('param');
    const target = await linkIsPending(c.env.DB, await tokenHash(token), Date.now());
    if (!target)
      return errorResponse(c, 404, 'verification_not_found', 'This link is unknown or has expired.');
    if (wantsJson(c.req.header('Accept')))
      return c.json({ address: target.address, confirmed: false, confirmWith: 'POST' });
    return pendingLinkPage(c, target);
  })
  .post('/link/:token', validate('param', LinkParam), async (c) => {
    const { token } = c.req.valid('param');
    const target = await confirmLink(c.env.DB, await tokenHash(token), Date.now());
    if (!target)
      return errorResponse(c, 404, 'verification_not_found', 'This link is unknown or has expired.');
    if (wantsJson(c.req.header('Accept')))
      return c.json({ address: target.address, confirmed: true as const });
    return confirmLinkPage(c, target);
  })
  .use('*', accountCors)
  // With a session, the proof is for adding the address to that account; without, for a new one.
  .post('/', optionalAccount, validateJson(StartVerificationRequest), async (c) => {
    const address = normalizeAddress(c.req.valid('json').address);
    const accountId: string | null = c.req.header('Authorization') ? c.var.accountId : null;
    if (classifyAddress(address, c.env.SERVICE_DOMAIN) === 'service') {
      throw new ApiError(
        400,
        'no_verification_needed',
        'Inboxes on the service domain need no verification.',
      );
    }
    // No "address taken" answer here: that would tell anyone who is registered. Only someone
    // who reads the mail gets a proof, and only then does registration answer 409.
    const now = Date.now();
    const setRetryAfter = (s: number) => c.header('Retry-After', String(s));
    const client = edgeClient(c.req.header('CF-Connecting-IP'));
    if (client)
      await requireToken(c.env.DB, `verify-client:${client}`, VERIFICATION_LIMITS.perClient, now, {
        code: 'verification_rate_limited',
        message: 'Too many verification mails from this network; try again later.',
        setRetryAfter,
      });
    if (accountId)
      await requireToken(c.env.DB, `verify-account:${accountId}`, VERIFICATION_LIMITS.perAccount, now, {
        code: 'verification_rate_limited',
        message: 'Too many verification mails for this account today.',
        setRetryAfter,
      });
    const mailLimitKey = limitKey(address);
    const slot = await reserveMail(c.env.DB, mailLimitKey, now);
    if (!slot.ok) {
      setRetryAfter(Math.ceil((slot.nextAt - now) / 1000));
      throw new ApiError(429, 'verification_rate_limited', 'One verification mail per address per hour.');
    }
    const purpose = {
      accountId,
      fingerprint: accountId
        ? ((await bindingsOfAccount(c.env.DB, accountId))[0]?.fingerprint ?? null)
        : null,
    };
    const verificationId = newToken();
    const linkToken = newToken();
    const code = newCode();
    const idHash = await tokenHash(verificationId);
    await insertVerification(c.env.DB, {
      idHash,
      address,
      codeHash: await codeHash(idHash, code),
      linkHash: await tokenHash(linkToken),
      now,
      ...purpose,
    });
    const link = `${serviceUrl(c.env)}/api/v1/verifications/link/${linkToken}`;
    const mail = buildVerificationMail({
      serviceDomain: c.env.SERVICE_DOMAIN,
      to: address,
      code,
      link,
      purpose,
    });
    try {
      await c.env.MAILER.send(new EmailMessage(mail.from, mail.to, mail.raw));
    } catch (err) {
      await releaseMail(c.env.DB, mailLimitKey, now);
      console.error('verification mail refused', err instanceof Error ? err.message : err);
      throw new ApiError(422, 'mail_not_sent', 'The verification mail could not be sent to this address.');
    }
    return c.json({ verificationId, address, expiresAt: now + VERIFICATION_TTL_MS }, 202);
  })
  .post('/:id/confirm', validate('param', IdParam), validateJson(ConfirmVerificationRequest), async (c) => {
    const { id } = c.req.valid('param');
    const { code } = c.req.valid('json');
    const now = Date.now();
    const idHash = await tokenHash(id);
    const pending = await claimAttempt(c.env.DB, idHash, now);
    if (!pending) {
      throw new ApiError(
        404,
        'verification_not_found',
        'No pending verification: unknown, expired or out of attempts.',
      );
    }
    const confirmed =
      code !== undefined
        ? equalBytes(fromHex(await codeHash(idHash, code)), fromHex(pending.codeHash))
        : pending.confirmedAt !== null;
    if (!confirmed) {
      if (code === undefined)
        throw new ApiError(409, 'verification_pending', 'The link has not been confirmed yet.');
      throw new ApiError(400, 'wrong_code', 'The code does not match.');
    }
    const proofToken = newToken();
    const expiresAt = await storeProof(c.env.DB, idHash, await tokenHash(proofToken), now);
    return c.json({ address: pending.address, proofToken, expiresAt });
  });

function wantsJson(accept: string | undefined): boolean {
  return !!accept && accept.includes('application/json') && !accept.includes('text/html');
}
