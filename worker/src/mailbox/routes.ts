// The inbox API (docs/api.md, inboxes): authenticated, one mailbox per inbox address the account
// owns. Another account's inbox, or an address that is not an inbox, is 404 like a missing one.

import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { normalizeAddress } from '../../../shared/address.ts';
import {
  ChangesQuery,
  FlagsRequest,
  InboxAddress,
  MessageId,
  MessageListQuery,
} from '../../../shared/api/inbox.ts';
import { requireAccount } from '../auth/require-account.ts';
import { newId, newToken, tokenHash } from '../auth/tokens.ts';
import type { AppEnv } from '../env.ts';
import { limitBody, SMALL_BODY_BYTES } from '../http/body-limit.ts';
import { ApiError } from '../http/errors.ts';
import { validate, validateJson } from '../http/validation.ts';
import { bodyObjectKey } from './body-objects.ts';
import { parseRange } from './http-range.ts';
import { FORMAT_HEADER, inboxCors } from './inbox-cors.ts';
import { ACCOUNT_QUOTA, CHANGES_PAGE, LIST_PAGE } from './limits.ts';
import type { Admission } from './mailbox-object.ts';
import { releaseInbox } from './release.ts';
import { MAX_REPLACEMENT_BYTES, parseReplacement } from './replacement.ts';
import { mailboxStub, otherUsage } from './stub.ts';
import { cursorTag, decodeListCursor, encodeListCursor, messageJson, versionTag } from './wire.ts';

type Ctx = Context<AppEnv>;

/** The inbox named in the path, if the caller owns it; else 404. */
async function ownedInbox(c: Ctx): Promise<string> {
  const parsed = InboxAddress.safeParse(c.req.param('address'));
  if (!parsed.success) throw new ApiError(400, 'invalid_request', 'Invalid address.');
  const address = normalizeAddress(parsed.data);
  const row = await c.env.DB.prepare(
    `SELECT 1 AS x FROM addresses WHERE address = ?1 AND account_id = ?2 AND kind = 'service'`,
  )
    .bind(address, c.var.accountId)
    .first();
  if (!row) throw new ApiError(404, 'inbox_not_found', 'No such inbox on this account.');
  return address;
}

function messageIdOf(c: Ctx): string {
  const parsed = MessageId.safeParse(c.req.param('id'));
  if (!parsed.success) throw new ApiError(400, 'invalid_request', 'Invalid message id.');
  return parsed.data;
}

const notFound = () => new ApiError(404, 'message_not_found', 'No such message.');

/** RFC 9110 §13.1.1: exactly one strong entity tag, as the body's ETag gives it. */
function ifMatchVersion(header: string | undefined): number {
  if (header === undefined)
    throw new ApiError(428, 'precondition_required', 'Replacing a message needs If-Match with its version.');
  // Optional whitespace is SP and HTAB only (RFC 9110 §5.6.3), not what String.trim() removes.
  const m = header.replace(/^[ \t]+|[ \t]+$/g, '').match(/^"v(\d{1,9})"$/);
  if (!m) throw new ApiError(400, 'invalid_if_match', 'If-Match must be one version ETag, e.g. "v1".');
  return Number(m[1]);
}

async function readLimited(c: Ctx, limit: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('Content-Length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit)
    throw new ApiError(413, 'body_too_large', `Request bodies here are limited to ${limit} bytes.`);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length > limit)
    throw new ApiError(413, 'body_too_large', `Request bodies here are limited to ${limit} bytes.`);
  return bytes;
}

const small: MiddlewareHandler<AppEnv> = limitBody(SMALL_BODY_BYTES);

export const inboxRoutes = new Hono<AppEnv>()
  .use('*', inboxCors, requireAccount)
  .get('/', small, async (c) => {
    const rows = await c.env.DB.prepare(
      `SELECT address FROM addresses WHERE account_id = ?1 AND kind = 'service' ORDER BY created_at`,
    )
      .bind(c.var.accountId)
      .all<{ address: string }>();
    const inboxes = await Promise.all(
      rows.results.map(async ({ address }) => {
        const stub = mailboxStub(c.env, address);
        const [usage, cursor] = await Promise.all([stub.usage(), stub.cursor()]);
        return { address, bytes: usage.bytes, messages: usage.messages, cursor };
      }),
    );
    const usedBytes = inboxes.reduce((n, i) => n + i.bytes, 0);
    const usedMessages = inboxes.reduce((n, i) => n + i.messages, 0);
    return c.json({
      inboxes,
      quota: { bytes: ACCOUNT_QUOTA.bytes, messages: ACCOUNT_QUOTA.messages, usedBytes, usedMessages },
    });
  })
  // docs/api.md "Watching an inbox": a token a locked extension polls with, no session needed.
  .post('/:address/watch', small, async (c) => {
    const address = await ownedInbox(c);
    const token = newToken();
    await mailboxStub(c.env, address).watchWith(await tokenHash(token), Date.now());
    c.header('Cache-Control', 'no-store');
    return c.json({ token }, 201);
  })
  .delete('/:address', small, async (c) => {
    const address = await ownedInbox(c);
    await releaseInbox(c.env, c.var.accountId, address, Date.now());
    return c.json({ ok: true as const });
  })
  .get('/:address/messages', small, validate('query', MessageListQuery), async (c) => {
    const address = await ownedInbox(c);
    const q = c.req.valid('query');
    const page = await mailboxStub(c.env, address).list(
      q.folder ?? 'inbox',
      decodeListCursor(q.before),
      q.limit ?? LIST_PAGE.default,
    );
    return c.json({ messages: page.messages.map(messageJson), next: encodeListCursor(page.next) });
  })
  .get('/:address/changes', small, validate('query', ChangesQuery), async (c) => {
    const address = await ownedInbox(c);
    const stub = mailboxStub(c.env, address);
    const { since } = c.req.valid('query');
    const current = await stub.cursor();
    c.header('Cache-Control', 'no-store');
    // Nothing changed: 304 with the same tag, so polling costs one small round trip (RFC 9110 §15.4.5).
    if (since === current || c.req.header('If-None-Match') === cursorTag(current)) {
      c.header('ETag', cursorTag(current));
      return c.body(null, 304);
    }
    const out = await stub.changes(since, CHANGES_PAGE);
    if ('expired' in out)
      throw new ApiError(
        410,
        'cursor_expired',
        'This cursor is older than the changes kept: list the inbox again.',
      );
    c.header('ETag', cursorTag(out.cursor));
    return c.json({
      cursor: out.cursor,
      changes: out.changes.map((ch) => ({
        id: ch.id,
        cursor: ch.cursor,
        deleted: ch.deleted,
        ...(ch.message ? { message: messageJson(ch.message) } : {}),
      })),
      more: out.more,
    });
  })
  .get('/:address/messages/:id', small, async (c) => {
    const address = await ownedInbox(c);
    const m = await mailboxStub(c.env, address).get(messageIdOf(c));
    if (!m) throw notFound();
    return c.json(messageJson(m));
  })
  .get('/:address/messages/:id/body', small, async (c) => {
    const address = await ownedInbox(c);
    const where = await mailboxStub(c.env, address).body(messageIdOf(c));
    if (!where) throw notFound();
    const range = parseRange(c.req.header('Range'), where.size);
    if (range === 'unsatisfiable') {
      c.header('Content-Range', `bytes */${where.size}`);
      throw new ApiError(416, 'range_not_satisfiable', 'The range lies outside the body.');
    }
    const object = await c.env.MAIL_BODIES.get(where.key, range ? { range } : {});
    if (!object) throw notFound();
    const headers = new Headers({
      'Content-Type': 'application/octet-stream',
      ETag: versionTag(where.version),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'no-store',
      [FORMAT_HEADER]: where.format,
    });
    if (range) {
      headers.set('Content-Range', `bytes ${range.offset}-${range.offset + range.length - 1}/${where.size}`);
      headers.set('Content-Length', String(range.length));
      return new Response(object.body, { status: 206, headers });
    }
    headers.set('Content-Length', String(where.size));
    return new Response(object.body, { status: 200, headers });
  })
  .put('/:address/messages/:id', async (c) => {
    const address = await ownedInbox(c);
    const id = messageIdOf(c);
    const expected = ifMatchVersion(c.req.header('If-Match'));
    const { summary, body } = parseReplacement(await readLimited(c, MAX_REPLACEMENT_BYTES));
    const stub = mailboxStub(c.env, address);
    // A fresh key per replacement: the current body stays readable until the swap.
    const bodyKey = `${bodyObjectKey(stub.id.toString(), id, expected + 1)}-${newId()}`;
    await c.env.MAIL_BODIES.put(bodyKey, body);
    let out: Awaited<ReturnType<typeof stub.replace>>;
    try {
      const others = await otherUsage(c.env, c.var.accountId, address);
      out = await stub.replace(id, expected, { summary, bodyKey, bodySize: body.length }, others);
    } catch (e) {
      await c.env.MAIL_BODIES.delete(bodyKey).catch(() => undefined);
      throw e;
    }
    if (out.status !== 'replaced') await c.env.MAIL_BODIES.delete(bodyKey);
    if (out.status === 'not_found') throw notFound();
    if (out.status === 'full')
      throw new ApiError(507, 'quota_exceeded', 'The account is over its storage quota.');
    if (out.status === 'conflict') {
      c.header('ETag', versionTag(out.version));
      throw new ApiError(412, 'version_conflict', 'The message changed since that version.');
    }
    c.header('ETag', versionTag(out.message.version));
    return c.json(messageJson(out.message));
  })
  .put('/:address/sent/:id', async (c) => {
    const address = await ownedInbox(c);
    const id = messageIdOf(c);
    const { summary, body } = parseReplacement(await readLimited(c, MAX_REPLACEMENT_BYTES));
    const stub = mailboxStub(c.env, address);
    const bodyKey = `${bodyObjectKey(stub.id.toString(), id, 1)}-${newId()}`;
    await c.env.MAIL_BODIES.put(bodyKey, body);
    let stored: Admission;
    try {
      const others = await otherUsage(c.env, c.var.accountId, address);
      stored = await stub.storeSent({ id, at: Date.now(), summary, bodyKey, bodySize: body.length }, others);
    } catch (e) {
      await c.env.MAIL_BODIES.delete(bodyKey).catch(() => undefined);
      throw e;
    }
    if (stored !== 'ok') await c.env.MAIL_BODIES.delete(bodyKey);
    if (stored === 'duplicate')
      throw new ApiError(409, 'message_exists', 'A message with this id exists: draw another id.');
    if (stored === 'full')
      throw new ApiError(507, 'quota_exceeded', 'The account is over its storage quota.');
    const m = await stub.get(id);
    if (!m) throw notFound();
    c.header('ETag', versionTag(m.version));
    return c.json(messageJson(m), 201);
  })
  .patch('/:address/messages/:id', small, validateJson(FlagsRequest), async (c) => {
    const address = await ownedInbox(c);
    const m = await mailboxStub(c.env, address).setFlags(messageIdOf(c), c.req.valid('json'));
    if (!m) throw notFound();
    return c.json(messageJson(m));
  })
  .delete('/:address/messages/:id', small, async (c) => {
    const address = await ownedInbox(c);
    if (!(await mailboxStub(c.env, address).remove(messageIdOf(c)))) throw notFound();
    return c.json({ ok: true as const });
  });
