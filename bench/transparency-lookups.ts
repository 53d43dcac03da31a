// Lookups with their transparency proof against the same lookups without (docs/spec/
// transparency-v1.md §8), for `npm run bench -- transparency`: two `wrangler dev` Workers (the
// same workerd, the same seeded accounts), one as shipped and one with the test switch's
// `no-lookup-proofs`, measured alternately (ABBA) so load drift hits both alike:
//   - cache hits: wrk on one address (the path most lookups take);
//   - cache misses: every one of ADDRESSES addresses asked once, 4 at a time, from Node.

import * as openpgp from 'openpgp';
import { registerAccount } from '../e2e/harness/accounts.ts';
import { startWorker, type WorkerServer } from '../e2e/harness/worker.ts';
import { CHECKPOINT_INTERVAL_MS } from '../shared/transparency/index.ts';
import { type WrkResult, wrk } from './sections/worker.ts';

// Cache misses count against LOOKUP_LIMITER (100 per 10 s per client, wrangler.toml): rounds of
// ADDRESSES / MISS_ROUNDS per Worker, with a pause after each.
const ADDRESSES = 96;
const MISS_ROUNDS = 4;
const LIMITER_PAUSE_MS = 5_000;
const HIT_ROUNDS = 6;
const HIT_WRK = ['-t2', '-c4', '-d3s', '--latency'];

interface Miss {
  requestsPerSecond: number;
  latencies: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function medianOf(rs: WrkResult[]): WrkResult {
  return {
    requestsPerSecond: median(rs.map((r) => r.requestsPerSecond)),
    p50Ms: median(rs.map((r) => r.p50Ms)),
    p99Ms: median(rs.map((r) => r.p99Ms)),
    non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
  };
}

/** Median req/s over the rounds; p99 over every latency of every round. */
function pooled(ms: Miss[]): { requestsPerSecond: number; p99Ms: number } {
  const all = ms.flatMap((m) => m.latencies).sort((a, b) => a - b);
  return {
    requestsPerSecond: median(ms.map((m) => m.requestsPerSecond)),
    p99Ms: all[Math.min(all.length - 1, Math.floor(0.99 * all.length))]!,
  };
}
const CONCURRENCY = 4;

async function seed(worker: WorkerServer, keys: string[], prefix: string): Promise<string[]> {
  const addresses: string[] = [];
  for (const [i, key] of keys.entries()) {
    const address = `${prefix}${i}@noise.localhost`;
    await registerAccount(worker.url, { address, openpgpKey: key });
    addresses.push(address);
  }
  // Let the log sign a checkpoint over every registration, so no lookup waits for one.
  await new Promise((r) => setTimeout(r, CHECKPOINT_INTERVAL_MS + 100));
  await fetch(`${worker.url}/api/v1/log/checkpoint`);
  return addresses;
}

/** Each address asked once (all cache misses), CONCURRENCY at a time. */
async function misses(worker: WorkerServer, addresses: string[]): Promise<Miss> {
  const latencies: number[] = [];
  const queue = [...addresses];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let a = queue.shift(); a; a = queue.shift()) {
        const t = performance.now();
        const res = await fetch(`${worker.url}/api/v1/lookup/by-email/${encodeURIComponent(a)}`);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`lookup answered ${res.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { requestsPerSecond: (addresses.length * 1000) / (performance.now() - started), latencies };
}

export async function lookupsWithAndWithoutProof(): Promise<string> {
  const keysFor = (prefix: string) =>
    Promise.all(
      Array.from({ length: ADDRESSES + 1 }, async (_, i) => {
        const email = `${prefix}${i}@noise.localhost`;
        return (await openpgp.generateKey({ type: 'ecc', userIDs: [{ email }], format: 'armored' }))
          .publicKey;
      }),
    );
  const [a, b] = [await keysFor('p'), await keysFor('q')];
  const [proven, plain] = await Promise.all([
    startWorker(),
    startWorker({ vars: { TRANSPARENCY_TEST_SWITCH: 'no-lookup-proofs' } }),
  ]);
  try {
    const withAddrs = await seed(proven, a, 'p');
    const withoutAddrs = await seed(plain, b, 'q');
    const hot = (w: WorkerServer, addr: string) =>
      `${w.url}/api/v1/lookup/by-email/${encodeURIComponent(addr)}`;
    const hotWith = hot(proven, withAddrs.pop()!);
    const hotWithout = hot(plain, withoutAddrs.pop()!);
    const body = (await (await fetch(hotWith)).json()) as { transparency?: unknown };
    const bare = (await (await fetch(hotWithout)).json()) as { transparency?: unknown };
    if (!body.transparency || bare.transparency)
      throw new Error('the two Workers do not differ by the proof');
    await wrk(hotWith, ['-t1', '-c2', '-d1s', '--latency']);
    await wrk(hotWithout, ['-t1', '-c2', '-d1s', '--latency']);
    // Many short alternating rounds, medians: other processes on a shared machine swing a single
    // run by 2× (measured), so one ABBA pair is not enough.
    const rounds = { with: [] as WrkResult[], without: [] as WrkResult[] };
    for (let i = 0; i < HIT_ROUNDS; i++) {
      const order = i % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      for (const side of order) rounds[side].push(await wrk(side === 'with' ? hotWith : hotWithout, HIT_WRK));
    }
    const hits = { with: medianOf(rounds.with), without: medianOf(rounds.without) };
    const missRounds = { with: [] as Miss[], without: [] as Miss[] };
    const perRound = Math.floor(withAddrs.length / MISS_ROUNDS);
    for (let i = 0; i < MISS_ROUNDS; i++) {
      const order = i % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      for (const side of order) {
        const [w, list] = side === 'with' ? [proven, withAddrs] : [plain, withoutAddrs];
        missRounds[side].push(await misses(w, list.slice(i * perRound, (i + 1) * perRound)));
      }
      await new Promise((r) => setTimeout(r, LIMITER_PAUSE_MS));
    }
    const missWith = pooled(missRounds.with);
    const missWithout = pooled(missRounds.without);
    const row = (name: string, r: Pick<WrkResult, 'requestsPerSecond' | 'p99Ms'>) =>
      `| ${name.padEnd(34)} | ${r.requestsPerSecond.toFixed(0).padStart(7)} | ${r.p99Ms.toFixed(2).padStart(8)} |`;
    const verdict = (w: typeof missWith, o: typeof missWith) => {
      const rps = w.requestsPerSecond / o.requestsPerSecond;
      const p99 = w.p99Ms / o.p99Ms;
      return `${(rps * 100).toFixed(0)}% of the req/s (goal ≥ 70%) ${rps >= 0.7 ? 'PASS' : 'FAIL'}, p99 ${p99.toFixed(2)}× (goal ≤ 1.5×) ${p99 <= 1.5 ? 'PASS' : 'FAIL'}`;
    };
    if (hits.with.non2xx > 0 || hits.without.non2xx > 0)
      throw new Error('non-2xx answers during the benchmark');
    return [
      `lookup with proof vs without (two wrangler dev Workers, alternating; hits: median of ${HIT_ROUNDS} wrk ${HIT_WRK.join(' ')} runs each; misses: ${ADDRESSES} addresses once each in ${MISS_ROUNDS} rounds, ${CONCURRENCY} at a time, median req/s and pooled p99):`,
      '| GET /api/v1/lookup/by-email/…      |   req/s | p99 (ms) |',
      '|------------------------------------|---------|----------|',
      row('cache hit, with proof', hits.with),
      row('cache hit, without proof', hits.without),
      row('cache miss, with proof', missWith),
      row('cache miss, without proof', missWithout),
      `  cache hits: ${verdict(hits.with, hits.without)}`,
      `  cache misses: ${verdict(missWith, missWithout)}`,
      `  answer size: ${JSON.stringify(body).length} bytes with proof, ${JSON.stringify(bare).length} without`,
    ].join('\n');
  } finally {
    await Promise.all([proven.stop(), plain.stop()]);
  }
}
