// docs/api.md "Inboxes": CORS as for account routes (only extension origins), with POST, PATCH,
// Range and If-None-Match allowed and ETag, Content-Range, Accept-Ranges and X-Noise-Format
// exposed — what the extension's inbox page needs to read a body in ranges and poll with a tag.
// The watch route answers the same way; any other origin is 403 on both, preflight included.

import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { MessageListResponse } from '../../shared/api/inbox.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { inboxAccount } from './inbox-support/inbox-account.ts';
import { BASE, EXTENSION_ORIGIN } from './support/accounts.ts';

const list = (header: string | null) => (header ?? '').split(',').map((h) => h.trim().toLowerCase());

describe('inbox CORS', () => {
  it('lets an extension page read bodies by range and poll by tag; refuses other origins', async () => {
    const alice = await inboxAccount('cors');
    await deliver(addressed(plainEml, alice.address), alice.address);
    const inbox = `${BASE}/api/v1/inboxes/${encodeURIComponent(alice.address)}`;
    const auth = { Authorization: `Bearer ${alice.token}` };
    const listed = await SELF.fetch(`${inbox}/messages`, { headers: auth });
    const id = MessageListResponse.parse(await listed.json()).messages[0]!.id;

    const preflight = await SELF.fetch(`${inbox}/messages/${id}/body`, {
      method: 'OPTIONS',
      headers: {
        Origin: EXTENSION_ORIGIN,
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'authorization, range, if-none-match, if-match',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(EXTENSION_ORIGIN);
    expect(list(preflight.headers.get('Access-Control-Allow-Methods'))).toEqual(
      expect.arrayContaining(['post', 'patch', 'put', 'delete']),
    );
    expect(list(preflight.headers.get('Access-Control-Allow-Headers'))).toEqual(
      expect.arrayContaining(['range', 'if-none-match', 'if-match', 'authorization']),
    );

    const body = await SELF.fetch(`${inbox}/messages/${id}/body`, {
      headers: { ...auth, Origin: EXTENSION_ORIGIN, Range: 'bytes=0-9' },
    });
    expect(body.status).toBe(206);
    await body.arrayBuffer();
    expect(body.headers.get('Access-Control-Allow-Origin')).toBe(EXTENSION_ORIGIN);
    expect(list(body.headers.get('Access-Control-Expose-Headers'))).toEqual(
      expect.arrayContaining(['etag', 'content-range', 'accept-ranges', 'x-noise-format']),
    );

    for (const url of [
      `${inbox}/messages/${id}/body`,
      `${BASE}/api/v1/watch/${encodeURIComponent(alice.address)}`,
    ])
      for (const method of ['OPTIONS', 'GET']) {
        const res = await SELF.fetch(url, {
          method,
          headers: { ...auth, Origin: 'https://webmail.example', 'Access-Control-Request-Method': 'GET' },
        });
        expect(res.status, `${method} ${url}`).toBe(403);
        expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
      }
  });
});
