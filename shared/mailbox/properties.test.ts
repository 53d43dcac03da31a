// Properties of the mailbox-v1 format (fast-check): every plaintext round-trips, streamed in any
// pieces; any flipped byte, truncation or extension fails with a NoiseError and releases no
// plaintext; another message id or kind never opens; summaries round-trip and random bytes
// never decode into one.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes } from '../encoding.ts';
import { isNoiseError } from '../errors.ts';
import {
  decodeSummary,
  encodeSummary,
  generateInboxKey,
  KIND_BODY,
  KIND_SUMMARY,
  openObject,
  openObjectChunks,
  SEGMENT_SIZE,
  type Summary,
  sealedLength,
  sealObject,
  sealObjectChunks,
} from './index.ts';

const key = generateInboxKey();
const ctx = { kind: KIND_BODY, messageId: 'AAAAAAAAAAAAAAAAAAAAAA' } as const;

// Sizes around the segment boundary matter most (§3.3 last-chunk rules).
const sizes = fc.oneof(
  fc.integer({ min: 0, max: 2000 }),
  fc.integer({ min: SEGMENT_SIZE - 20, max: SEGMENT_SIZE + 20 }),
  fc.constantFrom(2 * SEGMENT_SIZE, 2 * SEGMENT_SIZE + 1),
);

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + seed) & 0xff;
  return out;
}

async function fails(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => false,
    (e) => isNoiseError(e),
  );
}

/** Cuts bytes into pieces at the given (sorted, deduplicated) points. */
function pieces(data: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(data.subarray(at, p));
    at = p;
  }
  out.push(data.subarray(at));
  return out;
}

describe('mailbox-v1 properties', () => {
  it('round-trips any plaintext; the sealed length is as §3.3 says', async () => {
    await fc.assert(
      fc.asyncProperty(sizes, fc.nat(255), async (n, seed) => {
        const plain = bytes(n, seed);
        const sealed = await sealObject(key, ctx, plain);
        expect(sealed.length).toBe(sealedLength(n));
        expect(equalBytes(await openObject(key, ctx, sealed), plain)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('streams: sealed and opened in arbitrary pieces gives the same bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        sizes,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (n, inCuts, outCuts) => {
          const plain = bytes(n, 3);
          const chunks: Uint8Array[] = [];
          for await (const c of sealObjectChunks(key, ctx, pieces(plain, inCuts))) chunks.push(c);
          const sealed = concatBytes(...chunks);
          const opened: Uint8Array[] = [];
          for await (const c of openObjectChunks(key, ctx, pieces(sealed, outCuts))) opened.push(c);
          expect(equalBytes(concatBytes(...opened), plain)).toBe(true);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('any flipped bit, truncation or appended byte fails as a NoiseError', async () => {
    const plain = bytes(SEGMENT_SIZE + 100, 9);
    const sealed = await sealObject(key, ctx, plain);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ flip: fc.nat(sealed.length - 1), bit: fc.nat(7) }),
          fc.record({ cut: fc.nat(sealed.length - 1) }),
          fc.record({ extra: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
        ),
        async (m) => {
          let bad: Uint8Array;
          if ('flip' in m) {
            bad = sealed.slice();
            bad[m.flip]! ^= 1 << m.bit;
          } else if ('cut' in m) bad = sealed.subarray(0, m.cut);
          else bad = concatBytes(sealed, m.extra);
          expect(await fails(openObject(key, ctx, bad))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never opens under another key, message id or kind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_-]{22}$/), async (otherId) => {
        fc.pre(otherId !== ctx.messageId);
        const sealed = await sealObject(key, ctx, bytes(64, 1));
        expect(await fails(openObject(key, { ...ctx, messageId: otherId }, sealed))).toBe(true);
        expect(await fails(openObject(key, { ...ctx, kind: KIND_SUMMARY }, sealed))).toBe(true);
        expect(await fails(openObject(generateInboxKey(), ctx, sealed))).toBe(true);
      }),
      { numRuns: 20 },
    );
  });
});

const address = fc.record({ address: fc.emailAddress() }, { requiredKeys: ['address'] });
const summaryArb: fc.Arbitrary<Summary> = fc.record({
  v: fc.constant(1 as const),
  from: fc.option(address, { nil: null }),
  to: fc.array(address, { maxLength: 3 }),
  subject: fc.string({ maxLength: 200, unit: 'grapheme' }),
  date: fc.option(
    fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
    { nil: null },
  ),
  messageId: fc.option(fc.string({ maxLength: 50 }), { nil: null }),
  snippet: fc.string({ maxLength: 200 }),
  attachments: fc.array(
    fc.record({ name: fc.string({ maxLength: 30 }), type: fc.string({ maxLength: 20 }), size: fc.nat() }),
    {
      maxLength: 3,
    },
  ),
  encryption: fc.constantFrom('none', 'pgp-mime', 'pgp-inline', 'envelope'),
});

describe('summary JSON (§4)', () => {
  it('round-trips', () => {
    fc.assert(
      fc.property(summaryArb, (s) => {
        expect(decodeSummary(encodeSummary(s))).toEqual(s);
      }),
    );
  });

  it('random bytes and random JSON decode to a summary or fail as malformed, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.jsonValue().map((j) => new TextEncoder().encode(JSON.stringify(j))),
        ),
        (b) => {
          try {
            decodeSummary(b);
          } catch (e) {
            expect(isNoiseError(e, 'malformed')).toBe(true);
          }
        },
      ),
    );
  });

  it('refuses unknown fields (fail closed)', () => {
    const s = {
      v: 1,
      from: null,
      to: [],
      subject: '',
      date: null,
      messageId: null,
      snippet: '',
      attachments: [],
      encryption: 'none',
    };
    expect(decodeSummary(new TextEncoder().encode(JSON.stringify(s)))).toEqual(s);
    expect(() => decodeSummary(new TextEncoder().encode(JSON.stringify({ ...s, html: '<b>' })))).toThrow(
      /schema/,
    );
  });
});
