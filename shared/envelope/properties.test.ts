// fast-check properties: round trip at any length, and no modification of an envelope ever opens.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, equalBytes } from '../encoding.ts';
import { isNoiseError } from '../errors.ts';
import { TAG_LENGTH } from './aead.ts';
import { HEADER_PREFIX_LENGTH, parseHeaderPrefix } from './header.ts';
import { openBytes, SEGMENT_SIZE, sealBytes } from './index.ts';
import { bundleOf, keysOf, makeParty } from './test/parties.ts';

const CHUNK = SEGMENT_SIZE + TAG_LENGTH;
const SIG = 64;
const REJECTIONS = ['tampered', 'malformed', 'not_for_me', 'unsupported'];

const alice = makeParty('alice@example.org');
const bob = makeParty('bob@example.org');
// Bob keeps his one-time prekey, so every open below is a fresh attempt on the same keys.
const bobKeys = keysOf(bob);

function patterned(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function rejectionOf(envelope: Uint8Array): Promise<string> {
  try {
    await openBytes(envelope, bobKeys);
  } catch (e) {
    if (isNoiseError(e)) return e.code;
    throw e;
  }
  return 'success';
}

describe('envelope properties', () => {
  let plaintext: Uint8Array;
  let env: Uint8Array;
  let headerLength: number;
  beforeAll(async () => {
    plaintext = patterned(2 * SEGMENT_SIZE + 1000, 7); // three segments, the last one short
    env = await sealBytes(plaintext, alice, [bundleOf(bob)]);
    headerLength = parseHeaderPrefix(env.subarray(0, HEADER_PREFIX_LENGTH));
  });

  it('round-trips any length, including segment boundaries and empty', async () => {
    const lengths = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.constantFrom(SEGMENT_SIZE - 1, SEGMENT_SIZE, SEGMENT_SIZE + 1, 2 * SEGMENT_SIZE),
      fc.integer({ min: 0, max: 3 * SEGMENT_SIZE }),
    );
    await fc.assert(
      fc.asyncProperty(lengths, fc.integer(), async (length, seed) => {
        const pt = patterned(length, seed);
        const sealed = await sealBytes(pt, alice, [bundleOf(bob, false)]);
        const opened = await openBytes(sealed, bobKeys);
        expect(equalBytes(opened.plaintext, pt)).toBe(true);
      }),
      { numRuns: 12 },
    );
  });

  it('flipping any bit anywhere is rejected as tampered/malformed (never opens)', async () => {
    const anywhere = fc.integer({ min: 0, max: env.length - 1 });
    const inHeader = fc.integer({ min: 0, max: headerLength - 1 });
    const nearEnd = fc.integer({ min: env.length - CHUNK - SIG, max: env.length - 1 });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anywhere, inHeader, nearEnd),
        fc.integer({ min: 0, max: 7 }),
        async (i, bit) => {
          const bad = env.slice();
          bad[i]! ^= 1 << bit;
          expect(REJECTIONS).toContain(await rejectionOf(bad));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('truncation at any length is rejected', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: env.length - 1 }), async (n) => {
        expect(REJECTIONS).toContain(await rejectionOf(env.subarray(0, n)));
      }),
      { numRuns: 40 },
    );
    // Exactly at segment boundaries, keeping a plausible 64-byte "signature" at the end.
    const cut = concatBytes(env.subarray(0, headerLength + CHUNK), env.subarray(env.length - SIG));
    expect(await rejectionOf(cut)).toBe('tampered');
    const noLast = concatBytes(env.subarray(0, headerLength + 2 * CHUNK), env.subarray(env.length - SIG));
    expect(await rejectionOf(noLast)).toBe('tampered');
  });

  it('reordered, duplicated, dropped or appended segments are rejected', async () => {
    const header = env.subarray(0, headerLength);
    const c0 = env.subarray(headerLength, headerLength + CHUNK);
    const c1 = env.subarray(headerLength + CHUNK, headerLength + 2 * CHUNK);
    const c2 = env.subarray(headerLength + 2 * CHUNK, env.length - SIG);
    const sig = env.subarray(env.length - SIG);
    expect(await rejectionOf(concatBytes(header, c0, c1, c2, sig))).toBe('success');
    expect(await rejectionOf(concatBytes(header, c1, c0, c2, sig))).toBe('tampered');
    expect(await rejectionOf(concatBytes(header, c0, c0, c1, c2, sig))).toBe('tampered');
    expect(await rejectionOf(concatBytes(header, c0, c2, sig))).toBe('tampered');
    expect(await rejectionOf(concatBytes(header, c0, c1, c2, c2, sig))).toBe('tampered');
    expect(await rejectionOf(concatBytes(env, new Uint8Array([0])))).not.toBe('success');
    expect(await rejectionOf(concatBytes(env, env.subarray(headerLength)))).not.toBe('success');
  });
});
