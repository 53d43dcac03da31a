// docs/api.md "Conventions": every route answers a malformed request with a 4xx JSON error, never
// a 5xx. The property tests (fuzz.test.ts, inbox-fuzz, inbox-watch) draw random values; this file
// names the hostile inputs they rarely draw, on every inbox, watch and Sent route and method: odd
// Content-Types, bodies over the limits (declared and streamed), bad cursors, bad Range and
// If-Match headers, unicode and over-long addresses. Where docs/api.md names the status and code,
// they are checked.

import { beforeAll, describe, expect, it } from 'vitest';
import { MessageListResponse } from '../../shared/api/inbox.ts';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount } from './inbox-support/inbox-account.ts';
import { BAD_ADDRESSES, type Case, call, expect4xx, MiB, streamed } from './support/malformed-requests.ts';

let alice: InboxAccount;
let id = '';
let inbox = '';

beforeAll(async () => {
  alice = await inboxAccount('malformed');
  await deliver(addressed(plainEml, alice.address), alice.address);
  inbox = `/api/v1/inboxes/${encodeURIComponent(alice.address)}`;
  const res = await call({ method: 'GET', path: `${inbox}/messages` }, alice.token);
  id = MessageListResponse.parse(await res.json()).messages[0]!.id;
});

const check = (c: Case, token: string | null = alice.token) => expect4xx(c, token);

describe('inbox routes: malformed requests are 4xx JSON', () => {
  it('addresses that are not inbox addresses, on every inbox route and method', async () => {
    const routes = ['/messages', `/messages/${id}`, `/messages/${id}/body`, '/changes?since=0', '/watch'];
    for (const address of BAD_ADDRESSES) {
      const base = `/api/v1/inboxes/${encodeURIComponent(address)}`;
      for (const route of routes)
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
          await check({ method, path: `${base}${route}` });
      await check({ method: 'DELETE', path: base });
      await check({ method: 'PUT', path: `${base}/sent/${id}`, body: new Uint8Array(8) });
    }
    // Percent-encoding that is not UTF-8, and a path that is one raw byte.
    await check({ method: 'GET', path: '/api/v1/inboxes/%E0%A4%A/messages' });
    await check({ method: 'GET', path: '/api/v1/inboxes/%FF%FE@noise.localhost/messages' });
  });

  it('bad list and changes cursors', async () => {
    for (const q of [
      'limit=0',
      'limit=201',
      'limit=-1',
      'limit=1e2',
      'limit=0x10',
      'limit=010',
      'limit=%F0%9F%98%80',
      'limit=99999999999999999999',
      'before=x',
      'before=%00',
      'before=%F0%9F%98%80',
      `before=${'A'.repeat(5000)}`,
      'folder=SENT',
      'folder=drafts',
      'folder=inbox&folder=sent&folder=x',
      'unknown=1',
    ])
      await check({ method: 'GET', path: `${inbox}/messages?${q}` });
    for (const since of [
      '',
      '-1',
      '1e3',
      '0x10',
      '1.5',
      ' 1',
      '%F0%9F%98%80',
      '9007199254740993',
      'NaN',
      '01',
    ])
      await check({ method: 'GET', path: `${inbox}/changes?since=${since}` });
    // Ahead of the mailbox: docs/api.md "changes" names it.
    await check({
      method: 'GET',
      path: `${inbox}/changes?since=999999`,
      status: 410,
      code: 'cursor_expired',
    });
  });

  it('bad Range and If-Match headers, and Range on a body that does not exist', async () => {
    const body = `${inbox}/messages/${id}/body`;
    for (const range of [
      'bytes=99999999-',
      'bytes=-0',
      'bytes=5000000-5000001',
      'bytes=99999999999999999999-',
    ])
      await check({
        method: 'GET',
        path: body,
        headers: { Range: range },
        status: 416,
        code: 'range_not_satisfiable',
      });
    // Syntax the route does not know is ignored (RFC 9110 §14.2): the whole body, never an error.
    for (const range of [
      'bytes=5-2',
      'bytes=a-b',
      'items=0-1',
      'bytes=',
      'bytes=\u00b9-2',
      'bytes=0-0,1-1',
    ]) {
      const res = await call({ method: 'GET', path: body, headers: { Range: range } }, alice.token);
      expect([200, 206, 416], range).toContain(res.status);
      await res.arrayBuffer();
    }
    await check({
      method: 'GET',
      path: `${inbox}/messages/${'A'.repeat(22)}/body`,
      headers: { Range: 'bytes=0-1' },
      status: 404,
    });
    for (const ifMatch of ['*', 'W/"v1"', '"v1", "v2"', '"v0099999999999"', 'v1', '"v1"\u00a0'])
      await check({
        method: 'PUT',
        path: `${inbox}/messages/${id}`,
        headers: { 'If-Match': ifMatch, 'Content-Type': 'application/octet-stream' },
        body: new Uint8Array(16),
        status: 400,
        code: 'invalid_if_match',
      });
    await check({
      method: 'PUT',
      path: `${inbox}/messages/${id}`,
      body: new Uint8Array(16),
      status: 428,
    });
  });

  it('odd Content-Types and bodies on replace, Sent, flags and watch', async () => {
    const bodies: [string, BodyInit][] = [
      ['application/json', '{"summary":"x","body":"y"}'],
      ['text/plain; charset=utf-8', 'plaintext that is no mailbox-v1 object'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--\r\n',
      ],
      ['application/x-www-form-urlencoded', 'a=b&c=%FF'],
      ['application/octet-stream', new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2, 3])],
      ['application/octet-stream', new Uint8Array(0)],
    ];
    for (const [type, body] of bodies) {
      await check({
        method: 'PUT',
        path: `${inbox}/messages/${id}`,
        headers: { 'Content-Type': type, 'If-Match': '"v1"' },
        body,
      });
      await check({
        method: 'PUT',
        path: `${inbox}/sent/${'B'.repeat(22)}`,
        headers: { 'Content-Type': type },
        body,
      });
      await check({
        method: 'PATCH',
        path: `${inbox}/messages/${id}`,
        headers: { 'Content-Type': type },
        body,
      });
    }
    await check({
      method: 'PATCH',
      path: `${inbox}/messages/${id}`,
      headers: { 'Content-Type': 'application/json' },
      body: '{"read":true,"read":"x"}',
    });
    await check({
      method: 'PATCH',
      path: `${inbox}/messages/${id}`,
      headers: { 'Content-Type': 'application/json' },
      body: '{"read":true,"x":1}',
      status: 400,
    });
    // The message is untouched by all of it.
    const after = await call({ method: 'GET', path: `${inbox}/messages/${id}` }, alice.token);
    expect(((await after.json()) as { version: number; format: string }).format).toBe('pgp');
  });

  it('bodies over the limits, declared and streamed: 413 body_too_large', async () => {
    const big = 27 * MiB;
    for (const path of [`${inbox}/messages/${id}`, `${inbox}/sent/${'C'.repeat(22)}`]) {
      const headers = { 'Content-Type': 'application/octet-stream', 'If-Match': '"v1"' };
      await check({
        method: 'PUT',
        path,
        headers: { ...headers, 'Content-Length': String(big) },
        body: streamed(big),
        status: 413,
        code: 'body_too_large',
      });
      await check({
        method: 'PUT',
        path,
        headers,
        body: streamed(big),
        status: 413,
        code: 'body_too_large',
      });
    }
    const json = `{"read":true,"pad":"${'x'.repeat(20_000)}"}`;
    await check({
      method: 'PATCH',
      path: `${inbox}/messages/${id}`,
      headers: { 'Content-Type': 'application/json' },
      body: json,
      status: 413,
    });
    await check({
      method: 'POST',
      path: `${inbox}/watch`,
      headers: { 'Content-Type': 'application/json' },
      body: json,
      status: 413,
    });
  });

  it('the watch route: odd tokens, addresses and methods', async () => {
    for (const address of [...BAD_ADDRESSES, alice.address])
      for (const authorization of [
        'Watch',
        `Watch ${'A'.repeat(44)}`,
        `watch ${'A'.repeat(43)}`,
        `Bearer ${alice.token}`,
      ])
        await check(
          {
            method: 'GET',
            path: `/api/v1/watch/${encodeURIComponent(address)}`,
            headers: { Authorization: authorization },
          },
          null,
        );
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'])
      await check({ method, path: `/api/v1/watch/${encodeURIComponent(alice.address)}`, body: 'x' }, null);
  });

  it('a preflight or request from a foreign origin is 403 JSON', async () => {
    for (const method of ['OPTIONS', 'GET', 'PUT'])
      await check({
        method,
        path: `${inbox}/messages/${id}/body`,
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
        status: 403,
      });
  });
});
