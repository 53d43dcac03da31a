// The summary an arrival gets (worker/src/inbound/summary-of.ts): whatever postal-mime hands
// over — long, escaped, odd or missing fields — becomes a summary that fits the format
// (docs/spec/mailbox-v1.md §4), so an arrival never fails on its summary.

import fc from 'fast-check';
import type { Email } from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { decodeSummary } from '../../shared/mailbox/summary.ts';
import { UNKNOWN_VERDICTS } from '../src/inbound/auth-results.ts';
import { encodeFittedSummary, summaryOf } from '../src/inbound/summary-of.ts';

const text = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ maxLength: 3000, unit: 'binary' }),
  fc.constantFrom('\u0000'.repeat(2000), '😀'.repeat(700), '"\\'.repeat(900)),
);
const mailbox = fc.record({ name: text, address: text });

const email: fc.Arbitrary<Email> = fc.record({
  headers: fc.constant([]),
  headerLines: fc.constant([]),
  from: fc.option(mailbox, { nil: undefined }),
  to: fc.option(fc.array(mailbox, { maxLength: 60 }), { nil: undefined }),
  subject: fc.option(text, { nil: undefined }),
  messageId: fc.option(text, { nil: undefined }),
  date: fc.option(
    fc.oneof(
      text,
      fc.constantFrom('Mon, 07 Dec 2026 10:00:00 +0000', '+275760-09-13T00:00:00Z', '99999-01-01'),
    ),
    {
      nil: undefined,
    },
  ),
  text: fc.option(text, { nil: undefined }),
  html: fc.option(text, { nil: undefined }),
  attachments: fc.array(
    fc.record({
      filename: fc.option(text, { nil: null }),
      mimeType: text,
      disposition: fc.constant('attachment'),
      content: fc.uint8Array({ maxLength: 10 }),
    }),
    { maxLength: 80 },
  ),
}) as fc.Arbitrary<Email>;

describe('summaryOf', () => {
  it('property: every parsed mail gives a summary that encodes within the format and decodes again', () => {
    fc.assert(
      fc.property(email, (e) => {
        const bytes = encodeFittedSummary(summaryOf(e, UNKNOWN_VERDICTS));
        expect(bytes.length).toBeLessThanOrEqual(32 * 1024);
        decodeSummary(bytes);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps what fits: a plain mail keeps its fields; an oversized one keeps subject and date', () => {
    const base = {
      headers: [],
      headerLines: [],
      from: { name: 'Dave', address: 'dave@example.org' },
      subject: 'Hello',
      date: 'Mon, 07 Dec 2026 10:00:00 +0000',
      text: 'Hi there',
      attachments: [],
    } as unknown as Email;
    expect(decodeSummary(encodeFittedSummary(summaryOf(base, UNKNOWN_VERDICTS)))).toMatchObject({
      from: { name: 'Dave', address: 'dave@example.org' },
      subject: 'Hello',
      snippet: 'Hi there',
      date: '2026-12-07T10:00:00.000Z',
    });
    const huge = {
      ...base,
      to: Array.from({ length: 32 }, () => ({ name: '\u0001'.repeat(256), address: '\u0002'.repeat(320) })),
    } as unknown as Email;
    const s = decodeSummary(encodeFittedSummary(summaryOf(huge, UNKNOWN_VERDICTS)));
    expect(s.to.length).toBeLessThanOrEqual(1);
    expect(s.subject).toBe('Hello');
    expect(s.date).toBe('2026-12-07T10:00:00.000Z');
  });
});
