// Watching an inbox without a session (docs/api.md "Watching an inbox"): `GET /api/v1/watch/:address`
// with `Authorization: Watch <token>` answers the mailbox's change cursor and unread count, and
// 304 when they are what If-None-Match names, so a locked extension's poll costs one small round
// trip and learns nothing a session would not. An unknown address, a released one and a wrong
// token answer alike (401), so the route tells nobody which addresses are inboxes.

import { type Context, Hono } from 'hono';
import { normalizeAddress } from '../../../shared/address.ts';
import { InboxAddress, WatchResponse, watchTag } from '../../../shared/api/inbox.ts';
import { tokenHash } from '../auth/tokens.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, SMALL_BODY_BYTES } from '../http/body-limit.ts';
import { ApiError } from '../http/errors.ts';
import { inboxCors } from './inbox-cors.ts';
import { mailboxStub } from './stub.ts';

const refused = () => new ApiError(401, 'invalid_watch_token', 'This watch token does not watch that inbox.');

function watchToken(c: Context<AppEnv>): string {
  const m = c.req.header('Authorization')?.match(/^Watch ([A-Za-z0-9_-]{43})$/);
  if (!m?.[1]) throw new ApiError(401, 'invalid_watch_token', 'Authorization: Watch <token> is required.');
  return m[1];
}

export const watchRoutes = new Hono<AppEnv>()
  .use('*', inboxCors)
  .get('/:address', limitBody(SMALL_BODY_BYTES), async (c) => {
    const token = watchToken(c);
    const parsed = InboxAddress.safeParse(c.req.param('address'));
    if (!parsed.success) throw new ApiError(400, 'invalid_request', 'Invalid address.');
    const address = normalizeAddress(parsed.data);
    // Only a live service inbox has a mailbox to ask: no object is made for any other name.
    const inbox = await c.env.DB.prepare(
      `SELECT 1 AS x FROM addresses WHERE address = ?1 AND kind = 'service'`,
    )
      .bind(address)
      .first();
    if (!inbox) throw refused();
    const seen = await mailboxStub(c.env, address).watched(await tokenHash(token));
    if (!seen) throw refused();
    const answer = WatchResponse.parse(seen);
    c.header('Cache-Control', 'no-store');
    c.header('ETag', watchTag(answer));
    if (c.req.header('If-None-Match') === watchTag(answer)) return c.body(null, 304);
    return c.json(answer);
  });
