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
import { mean, type WrkResult, wrk } from './sections/worker.ts';

const ADDRESSES = 150;
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

/** Each address asked once (all cache misses), CONCURRENCY at a time: req/s and p99. */
async function misses(worker: WorkerServer, addresses: string[]) {
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
  latencies.sort((x, y) => x - y);
  return {
    requestsPerSecond: (addresses.length * 1000) / (performance.now() - started),
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(0.99 * latencies.length))]!,
  };
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
    const w1 = await wrk(hotWith);
    const n1 = await wrk(hotWithout);
    const n2 = await wrk(hotWithout);
    const w2 = await wrk(hotWith);
    const hits = { with: mean(w1, w2), without: mean(n1, n2) };
    const half = Math.floor(withAddrs.length / 2);
    const m1 = await misses(proven, withAddrs.slice(0, half));
    const o1 = await misses(plain, withoutAddrs.slice(0, half));
    const o2 = await misses(plain, withoutAddrs.slice(half));
    const m2 = await misses(proven, withAddrs.slice(half));
    const avg = (x: { requestsPerSecond: number; p99Ms: number }, y: typeof x) => ({
      requestsPerSecond: (x.requestsPerSecond + y.requestsPerSecond) / 2,
      p99Ms: (x.p99Ms + y.p99Ms) / 2,
    });
    const missWith = avg(m1, m2);
    const missWithout = avg(o1, o2);
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
      `lookup with proof vs without (two wrangler dev Workers, ABBA; hits: wrk -t2 -c4 -d5s; misses: ${ADDRESSES} addresses once each, ${CONCURRENCY} at a time):`,
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
