// The pieces of sending from the inbox page that need no server: the relay's error codes as the
// texts the page shows (a 429 with when to try again), and what a reply or forward starts with,
// its threading headers after RFC 5322 §3.6.4.
import { describe, expect, it } from 'vitest';
import { ApiClientError } from '../../../shared/api/errors.ts';
import type { Summary } from '../../../shared/mailbox/index.ts';
import { ERROR_CODES } from '../../ui/failure-text.ts';
import { draftOf, threading } from './drafts.ts';
import { relayFailure, relayFailureCode } from './relay-failure.ts';

describe('relay failures', () => {
  it('maps the relay’s codes onto codes with their own text; 429 says until when', () => {
    const now = 1_000_000;
    const limited = relayFailure(new ApiClientError(429, 'send_limit', 'x', { retryAfterSeconds: 90 }), now);
    expect(limited).toMatchObject({ code: 'send_limit', until: now + 90_000 });
    const cases: [number, string, string][] = [
      [403, 'sender_not_allowed', 'sender_refused'],
      [413, 'message_too_large', 'message_too_large'],
      [429, 'service_daily_limit', 'send_limit'],
      [422, 'recipient_not_allowed', 'recipient_refused'],
      [422, 'header_not_allowed', 'message_refused'],
      [502, 'delivery_failed', 'relay_unavailable'],
      [502, 'mail_service_error', 'relay_unavailable'],
      [503, 'relay_not_configured', 'relay_unavailable'],
    ];
    for (const [status, server, ours] of cases) {
      expect(relayFailure(new ApiClientError(status, server, 'x'))).toMatchObject({ code: ours });
      expect((ERROR_CODES as readonly string[]).includes(ours)).toBe(true);
    }
    // Unknown codes pass through untouched (the server's message is shown), never a wrong text.
    const other = new ApiClientError(400, 'seal_tampered', 'x');
    expect(relayFailure(other)).toBe(other);
    expect(relayFailureCode('__proto__')).toBeNull();
  });
});

const parent: Summary = {
  v: 2,
  from: { name: 'Dave', address: 'dave@y.test' },
  to: [{ address: 'alice@noise.test' }, { address: 'carol@x.test' }],
  cc: [{ address: 'erin@x.test' }],
  bcc: [],
  subject: 'Re: lunch',
  date: '2026-01-02T03:04:05.000Z',
  messageId: '<m3@y.test>',
  inReplyTo: '<m2@x.test>',
  references: ['<m1@x.test>', '<m2@x.test>'],
  thread: '<m1@x.test>',
  snippet: 'hi',
  attachments: [],
  encryption: 'none',
};
const kept = {
  summary: parent,
  text: 'hi\nthere',
  attachments: [{ name: 'a.txt', type: 'text/plain', data: new Uint8Array(3) }],
};

describe('replies and forwards', () => {
  it('threading: the parent’s References then its Message-ID; In-Reply-To the parent', () => {
    expect(threading(parent)).toEqual({
      inReplyTo: '<m3@y.test>',
      references: ['<m1@x.test>', '<m2@x.test>', '<m3@y.test>'],
    });
    expect(threading({ ...parent, references: [] })).toEqual({
      inReplyTo: '<m3@y.test>',
      references: ['<m2@x.test>', '<m3@y.test>'],
    });
    expect(threading({ ...parent, messageId: null })).toEqual({});
  });

  it('reply goes to the sender, reply-all adds the others but the sender’s own addresses; forward carries files', () => {
    const own = ['ALICE@noise.test'];
    expect(draftOf(kept, 'reply', own)).toMatchObject({ to: ['dave@y.test'], cc: [], subject: 'Re: lunch' });
    expect(draftOf(kept, 'replyAll', own)).toMatchObject({
      to: ['dave@y.test'],
      cc: ['carol@x.test', 'erin@x.test'],
    });
    const fwd = draftOf(kept, 'forward', own);
    expect(fwd).toMatchObject({ to: [], subject: 'Fwd: Re: lunch' });
    expect(fwd.attachments).toEqual([{ name: 'a.txt', type: 'text/plain', size: 3 }]);
    // Answering one's own Sent message goes to its recipients again.
    const mine = { ...kept, summary: { ...parent, from: { address: 'alice@noise.test' } } };
    expect(draftOf(mine, 'reply', own).to).toEqual(['carol@x.test']);
  });
});
