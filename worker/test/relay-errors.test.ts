// Every failure of the mail service as a stable API error (docs/api.md, relay errors), and the
// inline-PGP fallback when the service refuses the raw message. Production Email Service throws
// Errors with an E_* `code`; wrangler's local binding cannot, so the recorder throws them (see
// relay-support), and the local binding's own plain-text errors are mapped from their text.
import { describe, expect, it, vi } from 'vitest';
import { RelayResult } from '../../shared/api/relay.ts';
import { mapSendError } from '../src/relay/send-errors.ts';
import {
  correspondent,
  encryptedMime,
  inboxAccount,
  relayEnv,
  sendRequest,
} from './relay-support/relay-mail.ts';
import { expectError } from './support/accounts.ts';

const dave = await correspondent('dave@example.org');
const erin = await correspondent('erin@example.net');

const TABLE: [string, number, string][] = [
  ['E_VALIDATION_ERROR', 422, 'message_refused'],
  ['E_FIELD_MISSING', 422, 'message_refused'],
  ['E_TOO_MANY_RECIPIENTS', 422, 'too_many_recipients'],
  ['E_TOO_MANY_ATTACHMENTS', 422, 'message_refused'],
  ['E_SENDER_NOT_VERIFIED', 502, 'sender_not_configured'],
  ['E_SENDER_DOMAIN_NOT_AVAILABLE', 502, 'sender_not_configured'],
  ['E_RECIPIENT_NOT_ALLOWED', 422, 'recipient_not_allowed'],
  ['E_RECIPIENT_SUPPRESSED', 422, 'recipient_suppressed'],
  ['E_CONTENT_TOO_LARGE', 413, 'message_too_large'],
  ['E_DELIVERY_FAILED', 502, 'delivery_failed'],
  ['E_RATE_LIMIT_EXCEEDED', 429, 'service_rate_limited'],
  ['E_DAILY_LIMIT_EXCEEDED', 429, 'service_daily_limit'],
  ['E_INTERNAL_SERVER_ERROR', 502, 'mail_service_unavailable'],
  ['E_HEADER_NOT_ALLOWED', 422, 'header_not_allowed'],
  ['E_HEADER_USE_API_FIELD', 422, 'header_not_allowed'],
  ['E_HEADER_VALUE_INVALID', 422, 'header_not_allowed'],
  ['E_HEADER_VALUE_TOO_LONG', 422, 'header_not_allowed'],
  ['E_HEADER_NAME_INVALID', 422, 'header_not_allowed'],
  ['E_HEADERS_TOO_LARGE', 422, 'header_not_allowed'],
  ['E_HEADERS_TOO_MANY', 422, 'header_not_allowed'],
  ['E_SOMETHING_NEW', 502, 'mail_service_error'],
];

describe('relay: mail service errors', () => {
  it('maps every Email Service error code to a stable status and code, and logs no address', async () => {
    const alice = await inboxAccount('alice');
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.join(' '));
    });
    for (const [serviceCode, status, code] of TABLE) {
      const { env: e } = relayEnv({}, () => serviceCode);
      const mime = await encryptedMime(alice, [dave], { text: serviceCode });
      const res = await sendRequest(
        e,
        alice.token,
        { mode: 'encrypted', from: alice.address, to: [dave.address], fallback: 'none' },
        mime,
      );
      await expectError(res, status, code);
    }
    vi.restoreAllMocks();
    expect(logged.length).toBeGreaterThanOrEqual(TABLE.length);
    expect(logged.filter((l) => l.includes('@'))).toEqual([]);
  });

  it('maps wrangler’s local binding errors by their text, and anything else to 502', () => {
    expect(mapSendError(new Error('email to x@y not allowed')).code).toBe('recipient_not_allowed');
    expect(mapSendError(new Error('email from x@y not allowed')).code).toBe('sender_not_configured');
    expect(mapSendError(new Error('invalid headers set')).code).toBe('header_not_allowed');
    expect(mapSendError(new Error('invalid message-id')).code).toBe('message_refused');
    expect(mapSendError(new Error('From: header does not match mail from')).code).toBe('message_refused');
    expect(mapSendError(new TypeError('boom')).status).toBe(502);
    expect(mapSendError('not even an error').code).toBe('mail_service_error');
    expect(mapSendError({ code: 'E_lowercase bad' }).code).toBe('mail_service_error');
  });

  it('goes on past a per-recipient refusal and stops at a refusal of the whole message', async () => {
    const alice = await inboxAccount('alice');
    const perRecipient = relayEnv({}, (s) => (s.to === dave.address ? 'E_RECIPIENT_NOT_ALLOWED' : undefined));
    const res = await sendRequest(
      perRecipient.env,
      alice.token,
      { mode: 'encrypted', from: alice.address, to: [dave.address, erin.address] },
      await encryptedMime(alice, [dave, erin]),
    );
    expect(RelayResult.parse(await res.json())).toMatchObject({
      status: 'partial',
      recipients: [
        { address: dave.address, status: 'failed', error: 'recipient_not_allowed' },
        { address: erin.address, status: 'sent' },
      ],
    });
    const whole = relayEnv({}, () => 'E_RATE_LIMIT_EXCEEDED');
    await expectError(
      await sendRequest(
        whole.env,
        alice.token,
        { mode: 'encrypted', from: alice.address, to: [dave.address, erin.address] },
        await encryptedMime(alice, [dave, erin], { text: 'x' }),
      ),
      429,
      'service_rate_limited',
    );
    expect(whole.attempts).toHaveLength(1);
  });

  it('falls back to inline PGP when the service refuses a header of the raw message, and says so', async () => {
    const alice = await inboxAccount('alice');
    const refuseAutocrypt = (s: { raw?: Uint8Array }) =>
      s.raw && new TextDecoder().decode(s.raw).includes('Autocrypt:') ? 'E_HEADER_NOT_ALLOWED' : undefined;
    const { env: e, sent } = relayEnv({}, refuseAutocrypt);
    const mime = await encryptedMime(alice, [dave, erin], {
      inReplyTo: '<orig-1@example.org>',
      references: ['<root@example.org>', '<orig-1@example.org>'],
    });
    const withAutocrypt = new TextEncoder().encode(
      new TextDecoder()
        .decode(mime)
        .replace(/\r\nSubject:/, '\r\nAutocrypt: addr=x@y; keydata=AAAA\r\nSubject:'),
    );
    const res = await sendRequest(
      e,
      alice.token,
      { mode: 'encrypted', from: alice.address, to: [dave.address, erin.address, 'hidden@example.com'] },
      withAutocrypt,
    );
    const result = RelayResult.parse(await res.json());
    expect(result).toMatchObject({
      status: 'sent',
      delivery: 'inline-pgp',
      fallbackReason: 'header_not_allowed',
    });
    expect(sent).toHaveLength(1);
    const builder = sent[0]?.builder;
    const armored = new TextDecoder()
      .decode(withAutocrypt)
      .match(/-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/)?.[0];
    expect(builder?.text?.replace(/\r\n/g, '\n')).toContain(armored?.replace(/\r\n/g, '\n'));
    // To keeps the message's own recipients; the one only in the envelope goes as Bcc.
    expect(builder).toMatchObject({
      subject: '[...]',
      to: [dave.address, erin.address],
      bcc: ['hidden@example.com'],
    });
    expect(builder?.cc).toBeUndefined();
    expect(builder?.headers).toEqual({
      'In-Reply-To': '<orig-1@example.org>',
      References: '<root@example.org> <orig-1@example.org>',
    });
    expect(builder?.from).toEqual({ email: alice.address, name: 'Alice' });
    const refusing = relayEnv({}, refuseAutocrypt);
    const other = new TextDecoder().decode(withAutocrypt).replace('Subject: [...]', 'Subject: [...] ');
    await expectError(
      await sendRequest(
        refusing.env,
        alice.token,
        { mode: 'encrypted', from: alice.address, to: [dave.address], fallback: 'none' },
        new TextEncoder().encode(other),
      ),
      422,
      'header_not_allowed',
    );
    expect(refusing.sent).toHaveLength(0);
  });
});
