// Stream framing: however the bytes are split on the way in (plaintext to seal, envelope to open),
// the result is the same. Exercises segmentPlaintext and ByteQueue at every boundary.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../encoding.ts';
import { decodeHeader, encodeHeaderUnmacked, HEADER_MAC_LENGTH } from './header.ts';
import { open, SEGMENT_SIZE, seal, sealBytes } from './index.ts';
import { bundleOf, keysOf, makeParty } from './test/parties.ts';

const alice = makeParty('alice@example.org');
const bob = makeParty('bob@example.org');

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.subarray(last, p)); // empty pieces included on purpose
    last = p;
  }
  return parts;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('envelope stream framing', () => {
  it('any split of the plaintext seals to an envelope that opens to it', async () => {
    const plaintext = new Uint8Array(SEGMENT_SIZE + 4321).map((_, i) => i * 13);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
        const sealed = await readAll(await seal(split(plaintext, cuts), alice, [bundleOf(bob, false)]));
        const opened = await open([sealed], keysOf(bob));
        expect(equalBytes(await readAll(opened.plaintext), plaintext)).toBe(true);
      }),
      { numRuns: 10 },
    );
  });

  it('any split of the envelope (including one byte at a time around the header) opens', async () => {
    const plaintext = new Uint8Array(SEGMENT_SIZE * 2).map((_, i) => i * 7); // ends on a full segment
    const env = await sealBytes(plaintext, alice, [bundleOf(bob, false)]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 16 }), async (cuts) => {
        const opened = await open(split(env, cuts), keysOf(bob));
        expect(equalBytes(await readAll(opened.plaintext), plaintext)).toBe(true);
        await opened.verdict;
      }),
      { numRuns: 10 },
    );
    const bytewise = [...split(env.subarray(0, 700), [...Array(700).keys()]), env.subarray(700)];
    const opened = await open(bytewise, keysOf(bob));
    expect(equalBytes(await readAll(opened.plaintext), plaintext)).toBe(true);
  });

  it('the header codec is canonical: decode(encode(h)) = h, and re-encoding gives the same bytes', async () => {
    const env = await sealBytes(new Uint8Array(3), alice, [
      bundleOf(bob),
      bundleOf(makeParty('c@d.example', 'x1')),
    ]);
    const length = new DataView(env.buffer).getUint32(24) + 28;
    const { header, unmacked, mac } = decodeHeader(env.subarray(0, length));
    expect(mac).toHaveLength(HEADER_MAC_LENGTH);
    expect(equalBytes(encodeHeaderUnmacked(header), unmacked)).toBe(true);
    expect(header.entries.map((e) => e.deviceId)).toEqual(['', '', 'x1']);
  });
});
