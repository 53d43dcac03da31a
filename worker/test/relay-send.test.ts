// The relay in encrypted mode (docs/api.md, relay): the client's PGP/MIME leaves byte for byte as
// it came; a sender the account does not own is refused and lands in the account's security log;
// the message checks, the size limits, the per-account delivery limits and repeated sends.
import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RELAY_REQUEST_TYPE, SecurityLogResponse, SendLogResponse } from '../../shared/api/relay.ts';
import { concatBytes, u32be, utf8 } from '../../shared/encoding.ts';
import { app } from '../src/app.ts';
import {
  appGet,
  correspondent,
  encryptedMime,
  inboxAccount,
  relayEnv,
  sendRequest,
} from './relay-support/relay-mail.ts';
import { expectError } from './support/accounts.ts';

const dave = await correspondent('dave@example.org');
const erin = await correspondent('erin@example.net');

/** A frame with a JSON part the client schema would not let through. */
function unchecked(meta: unknown, message: Uint8Array): Uint8Array<ArrayBuffer> {
  const json = utf8(JSON.stringify(meta));
  return concatBytes(u32be(json.length), json, message) as Uint8Array<ArrayBuffer>;
}

async function securityLog(e: Cloudflare.Env, token: string) {
  return SecurityLogResponse.parse(await (await appGet(e, '/api/v1/security-log', token)).json()).events;
}

describe('relay, encrypted mode', () => {
  it('hands the exact bytes to send_email, once per envelope recipient, and logs hash, size and count', async () => {
    const alice = await inboxAccount('alice');
    const { env: e, sent } = relayEnv();
    // A bare LF, trailing spaces, UTF-8 and a lone 0xE9 (not UTF-8) in the preamble: nothing may
    // be normalised or re-encoded on the way.
    const text = new TextDecoder().decode(await encryptedMime(alice, [dave, erin]));
    const at = text.indexOf('This is an OpenPGP/MIME');
    const withHighBytes = concatBytes(
      utf8(text.slice(0, at)),
      utf8('Grüße  \n'),
      new Uint8Array([0xe9, 0x0d, 0x0a]),
      utf8(text.slice(at)),
    );
    const res = await sendRequest(
      e,
      alice.token,
      { mode: 'encrypted', from: alice.address, to: [dave.address, erin.address] },
      withHighBytes,
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const result = await res.json<{ status: string; delivery: string; recipients: { status: string }[] }>();
    expect(result.status).toBe('sent');
    expect(result.delivery).toBe('raw');
    expect(sent.map((s) => s.to)).toEqual([dave.address, erin.address]);
    for (const s of sent) {
      expect(s.from).toBe(alice.address);
      expect(s.raw).toEqual(withHighBytes);
    }
    const log = SendLogResponse.parse(await (await appGet(e, '/api/v1/relay/messages', alice.token)).json());
    expect(log.entries[0]).toMatchObject({
      mode: 'encrypted',
      size: withHighBytes.length,
      recipients: 2,
      delivered: 2,
      status: 'sent',
    });
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', withHighBytes));
    expect(log.entries[0]?.sha256).toBe([...digest].map((b) => b.toString(16).padStart(2, '0')).join(''));
    expect(log.quota.hour.used).toBe(2);
    // No address is kept by the send log.
    const rows = await env.DB.prepare('SELECT * FROM relay_send_log').all();
    expect(JSON.stringify(rows.results)).not.toContain('example.org');
  });

  it('refuses a sender the account does not own, sends nothing, and logs it for the account', async () => {
    const alice = await inboxAccount('alice');
    const bob = await inboxAccount('bob');
    const { env: e, attempts } = relayEnv();
    const mime = await encryptedMime(alice, [dave]);
    for (const from of [bob.address, 'nobody@noise.localhost', 'ceo@example.com']) {
      await expectError(
        await sendRequest(e, alice.token, { mode: 'encrypted', from, to: [dave.address] }, mime),
        403,
        'sender_not_allowed',
      );
    }
    expect(attempts).toHaveLength(0);
    const events = await securityLog(e, alice.token);
    expect(events.map((ev) => [ev.kind, ev.detail.from, ev.detail.reason])).toEqual([
      ['relay_sender_refused', 'ceo@example.com', 'not_owned'],
      ['relay_sender_refused', 'nobody@noise.localhost', 'not_owned'],
      ['relay_sender_refused', bob.address, 'not_owned'],
    ]);
    expect(events[0]?.sessionId).toBeTruthy();
    // Bob's own log is untouched: one account's attempt is told to that account only.
    expect(await securityLog(e, bob.token)).toEqual([]);
  });

  it('refuses a From or Sender header naming someone else even with an owned envelope sender', async () => {
    const alice = await inboxAccount('alice');
    const bob = await inboxAccount('bob');
    const { env: e, attempts } = relayEnv();
    const forged = await encryptedMime(bob, [dave]); // From: bob, signed by bob's key
    await expectError(
      await sendRequest(
        e,
        alice.token,
        { mode: 'encrypted', from: alice.address, to: [dave.address] },
        forged,
      ),
      403,
      'sender_not_allowed',
    );
    const own = new TextDecoder().decode(await encryptedMime(alice, [dave]));
    const withSender = own.replace(/\r\nSubject:/, `\r\nSender: ${bob.address}\r\nSubject:`);
    await expectError(
      await sendRequest(
        e,
        alice.token,
        { mode: 'encrypted', from: alice.address, to: [dave.address] },
        utf8(withSender),
      ),
      403,
      'sender_not_allowed',
    );
    expect(attempts).toHaveLength(0);
    const events = await securityLog(e, alice.token);
    expect(events.map((ev) => [ev.detail.from, ev.detail.reason])).toEqual([
      [bob.address, 'header_mismatch'],
      [bob.address, 'header_mismatch'],
    ]);
  });

  it('lets a verified external address send only on a domain the service sends for', async () => {
    const alice = await inboxAccount('alice');
    const external = `alice-${alice.accountId.slice(0, 6).toLowerCase()}@partner.example`;
    await env.DB.prepare(
      `INSERT INTO addresses (address, account_id, kind, verified_at, created_at) VALUES (?1, ?2, 'external', ?3, ?3)`,
    )
      .bind(external, alice.accountId, Date.now())
      .run();
    const mime = utf8(
      new TextDecoder()
        .decode(await encryptedMime(alice, [dave]))
        .replace(`<${alice.address}>`, `<${external}>`),
    );
    const meta = { mode: 'encrypted' as const, from: external, to: [dave.address] };
    const plain = relayEnv();
    await expectError(
      await sendRequest(plain.env, alice.token, meta, mime),
      403,
      'sender_domain_not_sendable',
    );
    const onboarded = relayEnv({ RELAY_SENDING_DOMAINS: 'other.example, partner.example' });
    expect((await sendRequest(onboarded.env, alice.token, meta, mime)).status).toBe(200);
    expect(onboarded.sent).toHaveLength(1);
    // An unverified external address is not the account's to send as.
    await env.DB.prepare('UPDATE addresses SET verified_at = NULL WHERE address = ?1').bind(external).run();
    await expectError(await sendRequest(onboarded.env, alice.token, meta, mime), 403, 'sender_not_allowed');
  });

  it('checks the message: one Message-ID, no Received, no Bcc header, encrypted content', async () => {
    const alice = await inboxAccount('alice');
    const { env: e, attempts } = relayEnv();
    const good = new TextDecoder().decode(await encryptedMime(alice, [dave]));
    const meta = { mode: 'encrypted' as const, from: alice.address, to: [dave.address] };
    const cases: [string, string][] = [
      [good.replace(/Message-ID: [^\r\n]*\r\n/i, ''), 'message_id_required'],
      [good.replace(/(Message-ID: [^\r\n]*\r\n)/i, '$1$1'), 'message_id_required'],
      [`Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\r\n${good}`, 'received_not_allowed'],
      [good.replace(/\r\nSubject:/, `\r\nBcc: ${erin.address}\r\nSubject:`), 'bcc_not_allowed'],
      [good.replace(/From: [^\r\n]*\r\n/, ''), 'from_header_invalid'],
      [good.replace(/From: ([^\r\n]*)\r\n/, `From: $1, ${erin.address}\r\n`), 'from_header_invalid'],
      [
        `From: Alice <${alice.address}>\r\nTo: ${dave.address}\r\nSubject: plain\r\nMessage-ID: <p1@noise.localhost>\r\n\r\nCANARY plaintext\r\n`,
        'not_encrypted',
      ],
    ];
    for (const [mime, code] of cases)
      await expectError(await sendRequest(e, alice.token, meta, utf8(mime)), 400, code);
    expect(attempts).toHaveLength(0);
  });

  it('refuses more than 50 recipients, a recipient twice, and malformed requests with 4xx JSON', async () => {
    const alice = await inboxAccount('alice');
    const { env: e } = relayEnv();
    const mime = await encryptedMime(alice, [dave]);
    const raw = (body: BodyInit, type = RELAY_REQUEST_TYPE) =>
      app.request(
        'https://noise.test/api/v1/relay/messages',
        { method: 'POST', headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': type }, body },
        e,
      );
    const many = Array.from({ length: 51 }, (_, i) => `r${i}@example.org`);
    await expectError(
      await raw(unchecked({ mode: 'encrypted', from: alice.address, to: many }, mime)),
      400,
      'invalid_request',
    );
    await expectError(
      await sendRequest(
        e,
        alice.token,
        { mode: 'encrypted', from: alice.address, to: [dave.address, 'DAVE@example.org'] },
        mime,
      ),
      400,
      'duplicate_recipient',
    );
    await expectError(await raw(new Uint8Array([0, 0])), 400, 'invalid_request');
    await expectError(await raw(new Uint8Array([0, 0, 0, 200, 1, 2])), 400, 'invalid_request');
    await expectError(await raw(new Uint8Array([0, 0, 0, 2, 0x7b, 0x7d, 1])), 400, 'invalid_request');
    await expectError(await raw(new Uint8Array([0, 0, 0, 1, 0xff, 1])), 400, 'malformed_json');
    await expectError(await raw('{}', 'application/json'), 415, 'unsupported_media_type');
    const anonymous = await app.request(
      'https://noise.test/api/v1/relay/messages',
      { method: 'POST', body: mime as Uint8Array<ArrayBuffer> },
      e,
    );
    await expectError(anonymous, 401, 'unauthorized');
  });

  it('limits the size: 5 MiB by default, the larger limit only when every recipient is a verified destination', async () => {
    const alice = await inboxAccount('alice');
    const mime = await encryptedMime(alice, [dave, erin], { text: 'x'.repeat(6000) });
    const meta = { mode: 'encrypted' as const, from: alice.address, to: [dave.address, erin.address] };
    const small = { RELAY_MAX_BYTES: '4096', RELAY_MAX_BYTES_VERIFIED: String(mime.length) };
    const a = relayEnv(small);
    await expectError(await sendRequest(a.env, alice.token, meta, mime), 413, 'message_too_large');
    const onlyDave = relayEnv({ ...small, RELAY_VERIFIED_DESTINATIONS: dave.address });
    await expectError(await sendRequest(onlyDave.env, alice.token, meta, mime), 413, 'message_too_large');
    const both = relayEnv({ ...small, RELAY_VERIFIED_DESTINATIONS: `${dave.address}, @example.net` });
    expect((await sendRequest(both.env, alice.token, meta, mime)).status).toBe(200);
    expect(a.attempts.length + onlyDave.attempts.length).toBe(0);
  });

  it('counts deliveries per account against the hourly and daily limits, giving back failed ones', async () => {
    const alice = await inboxAccount('alice');
    const { env: e, attempts } = relayEnv({ RELAY_HOURLY_LIMIT: '4', RELAY_DAILY_LIMIT: '10' }, (s) =>
      s.to === 'bounce@example.org' ? 'E_RECIPIENT_SUPPRESSED' : undefined,
    );
    const send = async (to: string[], text: string) =>
      sendRequest(
        e,
        alice.token,
        { mode: 'encrypted', from: alice.address, to },
        await encryptedMime(alice, [dave], { text }),
      );
    expect((await send([dave.address, erin.address], 'one')).status).toBe(200);
    // Two deliveries reserved, one refused by the service and given back: 3 of 4 used after it.
    const partial = await send(['bounce@example.org', dave.address], 'two');
    expect(partial.status).toBe(200);
    expect(await partial.json()).toMatchObject({
      status: 'partial',
      recipients: [
        { address: 'bounce@example.org', status: 'failed', error: 'recipient_suppressed' },
        { address: dave.address, status: 'sent' },
      ],
    });
    expect((await send([erin.address], 'three')).status).toBe(200);
    const over = await send([erin.address], 'four');
    await expectError(over, 429, 'send_limit');
    expect(Number(over.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('Retry-After'))).toBeLessThanOrEqual(3600);
    expect(attempts).toHaveLength(5);
    const other = await inboxAccount('carol');
    const theirs = await sendRequest(
      e,
      other.token,
      { mode: 'encrypted', from: other.address, to: [dave.address] },
      await encryptedMime(other, [dave]),
    );
    expect(theirs.status).toBe(200);
    const daily = relayEnv({ RELAY_HOURLY_LIMIT: '100', RELAY_DAILY_LIMIT: '3' });
    const overDay = await sendRequest(
      daily.env,
      alice.token,
      { mode: 'encrypted', from: alice.address, to: [dave.address] },
      await encryptedMime(alice, [dave], { text: 'five' }),
    );
    await expectError(overDay, 429, 'send_limit');
    expect(Number(overDay.headers.get('Retry-After'))).toBeLessThanOrEqual(86400);
  });

  it('answers a repeated request (same bytes) with 409 already_sent instead of sending twice', async () => {
    const alice = await inboxAccount('alice');
    const { env: e, attempts } = relayEnv();
    const mime = await encryptedMime(alice, [dave]);
    const meta = { mode: 'encrypted' as const, from: alice.address, to: [dave.address] };
    expect((await sendRequest(e, alice.token, meta, mime)).status).toBe(200);
    await expectError(await sendRequest(e, alice.token, meta, mime), 409, 'already_sent');
    expect(attempts).toHaveLength(1);
  });

  it('fuzz: random frames, JSON parts and messages always answer a 4xx JSON error, never 5xx', async () => {
    const alice = await inboxAccount('alice');
    const { env: e, attempts } = relayEnv();
    const good = await encryptedMime(alice, [dave]);
    const meta = fc.record({
      mode: fc.constantFrom('encrypted', 'sealed', 'other'),
      from: fc.constantFrom(alice.address, 'x@y.z', '', 'a\u0000b@c.d'),
      to: fc.array(fc.constantFrom(dave.address, 'e@f.g', 'bad', ''), { maxLength: 4 }),
      fallback: fc.option(fc.constantFrom('inline-pgp', 'none', 'x'), { nil: undefined }),
    });
    const message = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.constant(good),
      fc.integer({ min: 0, max: good.length - 1 }).map((n) => good.slice(0, n)),
      fc.integer({ min: 0, max: good.length - 1 }).map((n) => {
        const b = good.slice();
        b[n] = (b[n] ?? 0) ^ 0xff;
        return b;
      }),
    );
    const body = fc.oneof(
      fc.tuple(meta, message).map(([m, msg]) => unchecked(m, msg)),
      fc.uint8Array({ maxLength: 300 }).map((b) => b as Uint8Array<ArrayBuffer>),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await app.request(
          'https://noise.test/api/v1/relay/messages',
          {
            method: 'POST',
            headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': RELAY_REQUEST_TYPE },
            body: b,
          },
          e,
        );
        const text = await res.text();
        expect(res.status, text).toBeLessThan(500);
        if (res.status >= 400) expect(JSON.parse(text).error.code).toMatch(/^[a-z_]+$/);
      }),
      { numRuns: 120 },
    );
    // Only what passed every check went out: alice's own sender, to the fuzzed envelope's
    // well-formed recipients (a byte flipped inside the ciphertext still passes, and is sent).
    for (const a of attempts) {
      expect(a.from).toBe(alice.address);
      expect([dave.address, 'e@f.g']).toContain(a.to);
    }
  });
});
