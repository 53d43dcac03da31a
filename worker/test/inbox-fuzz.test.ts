// Property test: random requests to the inbox routes of an inbox the caller owns, with a real
// message in it — random methods, ids, queries, Range / If-Match / If-None-Match headers and
// bodies (JSON, bytes, framed replacements) — never answer 5xx, and every 4xx is the JSON error.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { frameReplacement, MessageListResponse } from '../../shared/api/inbox.ts';
import { HEADER_LENGTH, KIND_BODY, KIND_SUMMARY, MAGIC } from '../../shared/mailbox/labels.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount, inboxApi } from './inbox-support/inbox-account.ts';

let alice: InboxAccount;
let id = '';

beforeAll(async () => {
  alice = await inboxAccount('fuzz');
  await deliver(addressed(plainEml, alice.address), alice.address);
  id = MessageListResponse.parse(await (await inboxApi(alice, '/messages')).json()).messages[0]!.id;
});

const sealedLike = (kind: number) =>
  fc.uint8Array({ minLength: 0, maxLength: 80 }).map((tail) => {
    const out = new Uint8Array(HEADER_LENGTH + tail.length);
    out.set(MAGIC);
    out[MAGIC.length] = kind;
    out.set(tail, HEADER_LENGTH);
    return out;
  });

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 2 }).map((j) => JSON.stringify(j)),
  fc.record({ read: fc.jsonValue(), starred: fc.jsonValue() }).map((j) => JSON.stringify(j)),
  fc.uint8Array({ maxLength: 200 }),
  fc.tuple(sealedLike(KIND_SUMMARY), sealedLike(KIND_BODY)).map(([s, b]) => frameReplacement(s, b)),
  fc
    .tuple(fc.uint8Array({ maxLength: 60 }), fc.uint8Array({ maxLength: 60 }))
    .map(([s, b]) => frameReplacement(s, b)),
);

const header = (name: string, values: fc.Arbitrary<string>) =>
  fc.option(
    values.map((v) => [name, v] as const),
    { nil: undefined },
  );

describe('fuzz: the inbox routes never answer 5xx', () => {
  it('random requests on an owned inbox', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'HEAD'),
        fc.constantFrom('/messages', '/messages/ID', '/messages/ID/body', '/changes', '', '/messages/ID/x'),
        fc.oneof(
          fc.constant(() => id),
          fc.string({ maxLength: 30 }).map((s) => () => encodeURIComponent(s)),
        ),
        fc.oneof(
          fc.constant(''),
          fc.string({ maxLength: 30 }).map((s) => `?${s}`),
          fc
            .record({ since: fc.oneof(fc.integer(), fc.string({ maxLength: 8 })) })
            .map((q) => `?since=${encodeURIComponent(String(q.since))}`),
          fc
            .record({ limit: fc.integer({ min: -5, max: 400 }), before: fc.string({ maxLength: 30 }) })
            .map((q) => `?limit=${q.limit}&before=${encodeURIComponent(q.before)}`),
        ),
        header(
          'Range',
          fc.oneof(
            fc.string({ maxLength: 30 }),
            fc.tuple(fc.nat(5000), fc.nat(5000)).map(([a, b]) => `bytes=${a}-${b}`),
          ),
        ),
        header(
          'If-Match',
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.nat(5).map((n) => `"v${n}"`),
          ),
        ),
        header('If-None-Match', fc.string({ maxLength: 12 })),
        body,
        async (method, template, idOf, query, range, ifMatch, ifNoneMatch, payload) => {
          const path =
            template.replace('ID', idOf()) +
            (template === '/messages' || template === '/changes' ? query : '');
          // Releasing the inbox would end the run: the release route has its own tests.
          if (method === 'DELETE' && template === '') return;
          const headers: Record<string, string> = {};
          for (const h of [range, ifMatch, ifNoneMatch]) if (h) headers[h[0]] = h[1];
          if (typeof payload === 'string') headers['Content-Type'] = 'application/json';
          const res = await inboxApi(alice, path, {
            method,
            headers,
            ...(payload !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: payload } : {}),
          });
          const text = await res.text();
          expect(res.status, `${method} ${path} → ${text.slice(0, 200)}`).toBeLessThan(500);
          if (res.status >= 400 && method !== 'HEAD')
            expect(JSON.parse(text).error.code).toEqual(expect.any(String));
        },
      ),
      { numRuns: 300 },
    );
  });
});
