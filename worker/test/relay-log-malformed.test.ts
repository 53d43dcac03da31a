// docs/api.md "Conventions": every route answers a malformed request with a 4xx JSON error, never
// a 5xx. relay-send, transparency and fuzz.test.ts draw random values; this file names the hostile
// inputs they rarely draw on the relay, log and security-log routes: odd Content-Types, broken
// frames, bodies over the limit (declared and streamed), unicode and over-long addresses, other
// methods, duplicate and non-ASCII-digit parameters.

import { beforeAll, describe, it } from 'vitest';
import { isAddress } from '../../shared/address.ts';
import { RELAY_REQUEST_TYPE } from '../../shared/api/relay.ts';
import { utf8 } from '../../shared/encoding.ts';
import { type InboxAccount, inboxAccount } from './inbox-support/inbox-account.ts';
import { BAD_ADDRESSES, type Case, expect4xx, MiB, streamed } from './support/malformed-requests.ts';

let alice: InboxAccount;

beforeAll(async () => {
  alice = await inboxAccount('malformed-relay');
});

const check = (c: Case, token: string | null = alice.token) => expect4xx(c, token);

/** A relay frame: u32be(length of the JSON part) ‖ JSON ‖ message. */
function frame(json: string | Uint8Array, message: Uint8Array = utf8('x'), declared?: number): Uint8Array {
  const meta = typeof json === 'string' ? utf8(json) : json;
  const out = new Uint8Array(4 + meta.length + message.length);
  new DataView(out.buffer).setUint32(0, declared ?? meta.length);
  out.set(meta, 4);
  out.set(message, 4 + meta.length);
  return out;
}

describe('relay, log and security-log routes: malformed requests are 4xx JSON', () => {
  const relay = '/api/v1/relay/messages';
  const meta = (to: unknown, extra = {}) =>
    JSON.stringify({ mode: 'encrypted', from: alice.address, to, ...extra });

  it('relay sends: Content-Types, frames, unicode and over-long addresses', async () => {
    for (const type of [
      undefined,
      'application/json',
      'application/octet-stream',
      'text/plain',
      `${RELAY_REQUEST_TYPE}x`,
      'multipart/form-data; boundary=x',
    ])
      await check({
        method: 'POST',
        path: relay,
        headers: type ? { 'Content-Type': type } : {},
        body: frame(meta(['bob@example.org'])),
        status: 415,
      });
    const ok = { 'Content-Type': `${RELAY_REQUEST_TYPE}; charset=utf-8` };
    for (const body of [
      new Uint8Array(0),
      new Uint8Array(3),
      frame(meta(['bob@example.org']), utf8('x'), 0xffffffff),
      frame(meta(['bob@example.org']), utf8('x'), 33 * 1024),
      frame(new Uint8Array([0xff, 0xfe, 0x7b, 0x7d])),
      frame('[]'),
      frame('null'),
      frame(meta(['bob@example.org']), new Uint8Array(0)),
      frame(meta([])),
      frame(meta(['bob@example.org'], { fallback: 'smoke-signals' })),
      frame(meta(['bob@example.org'], { extra: true })),
      frame(meta(['bob@example.org'], { mode: 'plaintext' })),
      frame(meta(['bob@example.org', 'BOB@example.org'])),
      frame(meta(Array.from({ length: 51 }, (_, i) => `r${i}@example.org`))),
      ...BAD_ADDRESSES.map((a) => frame(meta([a]))),
      ...BAD_ADDRESSES.map((a) =>
        frame(JSON.stringify({ mode: 'sealed', from: a, to: ['bob@example.org'] })),
      ),
    ])
      await check({ method: 'POST', path: relay, headers: ok, body });
    const big = 26 * MiB;
    await check({
      method: 'POST',
      path: relay,
      headers: { ...ok, 'Content-Length': String(big) },
      body: streamed(big),
      status: 413,
      code: 'body_too_large',
    });
    await check({
      method: 'POST',
      path: relay,
      headers: ok,
      body: streamed(big),
      status: 413,
      code: 'body_too_large',
    });
    for (const method of ['PUT', 'PATCH', 'DELETE'])
      await check({ method, path: relay, headers: ok, body: frame('{}') });
    await check({ method: 'GET', path: relay }, 'not-a-token');
  });

  it('log routes: methods, duplicate and unicode parameters', async () => {
    for (const path of [
      '/api/v1/log/checkpoint',
      '/api/v1/log/leaves?start=0&end=1',
      '/api/v1/log/label?address=a@b.example',
    ])
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'])
        await check({ method, path, body: '{}' }, null);
    for (const q of [
      'leaves?start=0&end=1&start=1',
      'leaves?start=%D9%A0&end=%D9%A1',
      'leaves?start=0&end=%EF%BC%91',
      'proof/inclusion?index=0&size=%00',
      'proof/consistency?from=0&to=1&to=2&x=%FF',
      ...BAD_ADDRESSES.filter((a) => !isAddress(a)).map((a) => `label?address=${encodeURIComponent(a)}`),
      `label?address=${encodeURIComponent(`${'x'.repeat(300)}@example.org`)}`,
    ])
      await check({ method: 'GET', path: `/api/v1/log/${q}` }, null);
  });

  it('security log and send log: no token, a foreign origin, other methods', async () => {
    for (const path of ['/api/v1/security-log', relay]) {
      await check({ method: 'GET', path, status: 401, code: 'unauthorized' }, null);
      await check({ method: 'GET', path, headers: { Origin: 'https://evil.example' }, status: 403 });
    }
    for (const method of ['POST', 'PUT', 'DELETE'])
      await check({ method, path: '/api/v1/security-log', body: '{}' });
  });
});
