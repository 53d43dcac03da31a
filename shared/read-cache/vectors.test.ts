// read-cache-v1 vectors (shared/read-cache/vectors/*.json): the builder reproduces them, sealEntry
// gives the committed entry from the committed nonce, and each opens or fails as `expect` says.
// Properties: any payload round-trips; any changed byte or another id fails.

import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../encoding.ts';
import { isNoiseError } from '../errors.ts';
import { entryId, openEntry, ReadCache, sealEntry } from './index.ts';
import { buildVectors, type CacheVector } from './test/vectors-build.ts';

const dir = new URL('./vectors/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const committed = Object.fromEntries(
  files.map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as CacheVector]),
);

async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'success';
  } catch (e) {
    if (isNoiseError(e)) return e.code;
    throw e;
  }
}

describe('read-cache-v1 vectors', () => {
  it('are all committed and reproduce', () => {
    const built = buildVectors();
    expect(files.sort()).toEqual(Object.keys(built).sort());
    for (const [name, v] of Object.entries(built)) expect(v, name).toEqual(committed[name]);
  });

  it('entry.json: the id and the sealed entry come out of entryId and sealEntry', async () => {
    const v = committed['entry.json']!;
    expect(entryId(fromHex(v.cacheKey), fromHex(v.lookup))).toBe(v.entryId);
    const sealed = await sealEntry(fromHex(v.cacheKey), v.entryId, fromHex(v.payload!), () =>
      fromHex(v.nonce!),
    );
    expect(toHex(sealed)).toBe(v.entry);
  });

  it.each(files)('%s opens or fails as expected', async (name) => {
    const v = committed[name]!;
    const opened = openEntry(fromHex(v.cacheKey), v.openedUnder, fromHex(v.entry));
    expect(await outcome(opened)).toBe(v.expect);
    if (v.expect === 'success') expect(toHex(await opened)).toBe(v.payload);
  });
});

describe('read cache properties', () => {
  const key = new Uint8Array(32).fill(9);

  it('any payload round-trips through a store, and a miss is null', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 2000 }),
        async (lookup, payload) => {
          const m = new Map<string, Uint8Array>();
          const cache = new ReadCache(key, {
            get: async (id) => m.get(id),
            put: async (id, e) => void m.set(id, e),
            delete: async (id) => void m.delete(id),
          });
          expect(await cache.get(lookup)).toBeNull();
          await cache.put(lookup, payload);
          expect(toHex((await cache.get(lookup))!)).toBe(toHex(payload));
          expect([...m.values()].some((e) => toHex(e).includes(toHex(payload)) && payload.length > 8)).toBe(
            false,
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('any changed byte fails to open', async () => {
    const id = entryId(key, new Uint8Array([1]));
    const entry = await sealEntry(key, id, new Uint8Array(40).fill(5));
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: entry.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const bad = entry.slice();
        bad[at]! ^= x;
        expect(['malformed', 'tampered']).toContain(await outcome(openEntry(key, id, bad)));
      }),
      { numRuns: 100 },
    );
  });
});
