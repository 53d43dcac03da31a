// 25 MB through seal → open as streams: neither side ever holds the message in one buffer.

import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { equalBytes, utf8 } from '../encoding.ts';
import { armorEnvelope, armorStream, dearmorEnvelope, open, openBytes, seal, sealBytes } from './index.ts';
import { ARMOR_BEGIN, ARMOR_END } from './labels.ts';
import { bundleOf, keysOf, makeParty } from './test/parties.ts';

const alice = makeParty('alice@example.org');
const bob = makeParty('bob@example.org');

/** 25 MiB as 1 MiB pieces of a counter pattern, produced lazily. */
function source(total: number, piece: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(piece, total - sent);
      const chunk = new Uint8Array(n);
      const view = new DataView(chunk.buffer);
      for (let i = 0; i + 4 <= n; i += 4) view.setUint32(i, (sent + i) >>> 2);
      sent += n;
      controller.enqueue(chunk);
    },
  });
}

describe('envelope streaming', () => {
  it('seals and opens 25 MiB stream to stream, chunk by chunk, in a few seconds', async () => {
    const total = 25 * 1024 * 1024;
    const started = performance.now();
    const hashIn = sha256.create();
    const [forSeal, forHash] = source(total, 1024 * 1024).tee();
    const hashing = (async () => {
      for await (const c of forHash) hashIn.update(c);
    })();
    const sealed = await seal(forSeal, alice, [bundleOf(bob)]);
    const opened = await open(sealed, keysOf(bob));
    const hashOut = sha256.create();
    let length = 0;
    let largest = 0;
    for await (const chunk of opened.plaintext) {
      hashOut.update(chunk);
      length += chunk.length;
      largest = Math.max(largest, chunk.length);
    }
    await hashing;
    const verdict = await opened.verdict;
    expect(length).toBe(total);
    expect(largest).toBeLessThanOrEqual(256 * 1024);
    expect(equalBytes(hashOut.digest(), hashIn.digest())).toBe(true);
    expect(verdict.oneTimePrekeyUsed).toBe(true);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('the verdict rejects, and the stream errors, when the signature is wrong', async () => {
    const env = await sealBytes(new Uint8Array(300_000), alice, [bundleOf(bob)]);
    env[env.length - 1]! ^= 1;
    const opened = await open([env], keysOf(bob));
    const reading = (async () => {
      for await (const _ of opened.plaintext);
    })();
    await expect(reading).rejects.toMatchObject({ code: 'tampered' });
    await expect(opened.verdict).rejects.toMatchObject({ code: 'tampered' });
  });
});

describe('envelope armor', () => {
  it('round-trips, keeps lines ≤ 64 characters, survives CRLF and blank lines', async () => {
    const env = await sealBytes(utf8('armored'), alice, [bundleOf(bob)]);
    const text = armorEnvelope(env);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(ARMOR_BEGIN);
    expect(lines.at(-1)).toBe(ARMOR_END);
    expect(Math.max(...lines.slice(1, -1).map((l) => l.length))).toBeLessThanOrEqual(64);
    expect(equalBytes(dearmorEnvelope(`quoted text\r\n${text.replace(/\n/g, '\r\n\r\n')}`), env)).toBe(true);
    expect(equalBytes(dearmorEnvelope(armorEnvelope(env, 'Noise Email')), env)).toBe(true);
    const { plaintext } = await openBytes(dearmorEnvelope(text), keysOf(bob));
    expect(plaintext).toEqual(utf8('armored'));
  });

  it('the streaming armor equals the one-shot armor', async () => {
    const env = await sealBytes(new Uint8Array(5000).fill(9), alice, [bundleOf(bob)]);
    const parts: string[] = [];
    const pieces = [env.subarray(0, 7), env.subarray(7, 1000), env.subarray(1000)];
    const out = new ReadableStream<Uint8Array>({
      start(c) {
        for (const p of pieces) c.enqueue(p);
        c.close();
      },
    }).pipeThrough(armorStream());
    for await (const s of out) parts.push(s);
    expect(parts.join('')).toBe(armorEnvelope(env));
  });

  it("refuses text without a block or with invalid base64 as 'malformed'", () => {
    expect(() => dearmorEnvelope('hello')).toThrow(expect.objectContaining({ code: 'malformed' }));
    expect(() => dearmorEnvelope(`${ARMOR_BEGIN}\n@@@@\n${ARMOR_END}`)).toThrow(
      expect.objectContaining({ code: 'malformed' }),
    );
  });
});
