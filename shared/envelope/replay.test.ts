// §4.5–4.6: a second delivery of an opened envelope is refused, a re-read is served from the kept
// copy, and an envelope counts as opened (its one-time prekey gone) only once its copy is kept.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../encoding.ts';
import { isNoiseError, NoiseError } from '../errors.ts';
import {
  decodeKeptCopy,
  encodeKeptCopy,
  type KeptCopies,
  MemoryKeptCopies,
  MemoryReplayStore,
  type OpenedEnvelopeRecord,
  open,
  openBytes,
  sealBytes,
} from './index.ts';
import { drbg } from './test/drbg.ts';
import { bundleOf, keysOf, makeParty, type Party } from './test/parties.ts';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isNoiseError(e)) return e.code;
    throw e;
  }
  return 'success';
}

/** A replay store that deletes the one-time prekey it records, as the extension's does (§2.4). */
class ConsumingStore extends MemoryReplayStore {
  constructor(private readonly party: Party) {
    super();
  }
  override async record(opened: OpenedEnvelopeRecord): Promise<boolean> {
    const fresh = await super.record(opened);
    this.party.oneTimePrekeys = this.party.oneTimePrekeys.filter((k) => k.id !== opened.oneTimePrekeyId);
    return fresh;
  }
}

const alice = makeParty('alice@example.org', 'laptop');

describe('replays (§4.5)', () => {
  it('a second delivery of an envelope without a one-time prekey is refused, with the first open time', async () => {
    const bob = makeParty('bob@example.org');
    const store = new MemoryReplayStore(() => Date.UTC(2026, 0, 2, 3, 4, 5));
    const env = await sealBytes(utf8('pay 100'), alice, [bundleOf(bob, false)]);
    const first = await openBytes(env, keysOf(bob), { replayStore: store });
    expect(first.verdict.firstOpenedAt).toBeNull();
    const second = openBytes(env, keysOf(bob), { replayStore: store });
    await expect(second).rejects.toMatchObject({ code: 'duplicate', message: /2026-01-02T03:04:05/ });
    expect(store.size).toBe(1);
  });

  it("after the one-time prekey is deleted, a replay is 'duplicate', not 'not_for_me'", async () => {
    const dave = makeParty('dave@example.org');
    const store = new ConsumingStore(dave);
    const env = await sealBytes(utf8('x'), alice, [bundleOf(dave)]);
    const { verdict } = await openBytes(env, keysOf(dave), { replayStore: store });
    expect(verdict.oneTimePrekeyId).toBe(100);
    expect(dave.oneTimePrekeys.map((k) => k.id)).toEqual([101, 102]);
    expect(await codeOf(openBytes(env, keysOf(dave), { replayStore: store }))).toBe('duplicate');
    // Without the record, the same state says what it can: the prekey is gone.
    expect(await codeOf(openBytes(env, keysOf(dave)))).toBe('not_for_me');
  });

  it('a streaming open records the envelope before its last bytes, and a second stream errors', async () => {
    const erin = makeParty('erin@example.org');
    const store = new ConsumingStore(erin);
    const env = await sealBytes(utf8('streamed'), alice, [bundleOf(erin)]);
    const first = await open([env], keysOf(erin), { replayStore: store });
    expect(fromUtf8(new Uint8Array(await new Response(first.plaintext).arrayBuffer()))).toBe('streamed');
    expect(store.size).toBe(1);
    expect(await codeOf(open([env], keysOf(erin), { replayStore: store }))).toBe('duplicate');
  });
});

describe('kept copies (§4.6)', () => {
  it('a re-read of the same bytes is served from the copy, with the first open time, after the OPK is gone', async () => {
    const bob = makeParty('bob@example.org');
    const store = new ConsumingStore(bob);
    const kept = new MemoryKeptCopies();
    let now = 1_000;
    const opts = { replayStore: store, keptCopies: kept, now: () => now };
    const env = await sealBytes(utf8('keep me'), alice, [bundleOf(bob)]);
    const first = await openBytes(env, keysOf(bob), opts);
    expect(first.verdict.firstOpenedAt).toBeNull();
    now = 2_000;
    const again = await openBytes(env, keysOf(bob), opts);
    expect(fromUtf8(again.plaintext)).toBe('keep me');
    expect(again.verdict.firstOpenedAt).toBe(1_000);
    expect({ ...again.verdict, firstOpenedAt: null }).toEqual(first.verdict);
  });

  it('another envelope reusing an opened envelope id is refused, not served from the copy', async () => {
    const bob = makeParty('bob@example.org');
    const store = new MemoryReplayStore();
    const kept = new MemoryKeptCopies();
    // The same randomness gives the same content key and envelope id, so the MAC checks out.
    const one = await sealBytes(utf8('first'), alice, [bundleOf(bob, false)], { random: drbg('reuse') });
    const two = await sealBytes(utf8('other'), alice, [bundleOf(bob, false)], { random: drbg('reuse') });
    await openBytes(one, keysOf(bob), { replayStore: store, keptCopies: kept });
    const second = openBytes(two, keysOf(bob), { replayStore: store, keptCopies: kept });
    expect(await codeOf(second)).toBe('duplicate');
  });

  it('an envelope whose copy could not be kept is not recorded, and its one-time prekey stays', async () => {
    const bob = makeParty('bob@example.org');
    const store = new ConsumingStore(bob);
    const failing: KeptCopies = {
      get: async () => null,
      put: async () => {
        throw new Error('quota exceeded');
      },
    };
    const env = await sealBytes(utf8('x'), alice, [bundleOf(bob)]);
    await expect(openBytes(env, keysOf(bob), { replayStore: store, keptCopies: failing })).rejects.toThrow(
      'quota exceeded',
    );
    expect(store.size).toBe(0);
    expect(bob.oneTimePrekeys).toHaveLength(3);
    expect(fromUtf8((await openBytes(env, keysOf(bob), { replayStore: store })).plaintext)).toBe('x');
  });

  it('a copy round-trips, and any other bytes decode to malformed or a well-formed copy', () => {
    const facts = {
      envelopeId: new Uint8Array(16).fill(7),
      createdAt: 1_763_900_100,
      senderAddress: 'alice@example.org',
      sender: {
        signingKey: new Uint8Array(32).fill(1),
        dhKey: new Uint8Array(32).fill(2),
        dhKeySignature: new Uint8Array(64).fill(3),
      },
      recipients: [{ address: 'bob@example.org', deviceId: '', keyId: 'AB'.repeat(16) }],
      signedPrekeyId: 7,
      oneTimePrekeyId: null,
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (plaintext, firstOpenedAt) => {
        const copy = { plaintext, facts, firstOpenedAt };
        expect(decodeKeptCopy(encodeKeptCopy(copy))).toEqual(copy);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          const c = decodeKeptCopy(bytes);
          expect(c.facts.sender.signingKey).toHaveLength(32);
        } catch (e) {
          expect(e).toBeInstanceOf(NoiseError);
          expect((e as NoiseError).code).toBe('malformed');
        }
      }),
    );
  });
});
