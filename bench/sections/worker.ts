// Worker benchmark: wrk on the by-email VKS lookup and on the trivial /health
// route of the same `wrangler dev`, 4 connections. Target: lookup ≥ 50% of /health's req/s,
// p99 within 1.5× of /health's.

import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import * as openpgp from 'openpgp';
import { registerAccount } from '../../e2e/harness/accounts.ts';
import { startWorker } from '../../e2e/harness/worker.ts';

const WRK_ARGS = ['-t2', '-c4', '-d5s', '--latency'];

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  if (unit === 'us') return n / 1000;
  if (unit === 's') return n * 1000;
  if (unit === 'm') return n * 60_000;
  return n;
}

/** Parses wrk's summary: "Requests/sec:", the --latency percentiles and "Non-2xx" responses. */
export function parseWrk(out: string): WrkResult {
  const rps = out.match(/Requests\/sec:\s+([\d.]+)/);
  const pct = (p: string) => {
    const m = out.match(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm'));
    if (!m) throw new Error(`wrk output without ${p}% latency:\n${out}`);
    return toMs(m[1]!, m[2]!);
  };
  if (!rps) throw new Error(`wrk output without Requests/sec:\n${out}`);
  const non2xx = out.match(/Non-2xx or 3xx responses:\s+(\d+)/);
  return {
    requestsPerSecond: Number(rps[1]),
    p50Ms: pct('50'),
    p99Ms: pct('99'),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}

export function wrk(url: string, args = WRK_ARGS): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', [...args, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(parseWrk(out)) : reject(new Error(`wrk failed (${code}):\n${out}`)),
    );
  });
}

function mean(a: WrkResult, b: WrkResult): WrkResult {
  return {
    requestsPerSecond: (a.requestsPerSecond + b.requestsPerSecond) / 2,
    p50Ms: (a.p50Ms + b.p50Ms) / 2,
    p99Ms: (a.p99Ms + b.p99Ms) / 2,
    non2xx: a.non2xx + b.non2xx,
  };
}

async function publishOneKey(base: string): Promise<string> {
  const address = `bench-${Date.now().toString(36)}@noise.localhost`;
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: address }],
    format: 'armored',
  });
  await registerAccount(base, { address, openpgpKey: publicKey, deviceName: 'bench' });
  return address;
}

export default async function run(): Promise<string> {
  const worker = await startWorker();
  try {
    const address = await publishOneKey(worker.url);
    const lookupUrl = `${worker.url}/vks/v1/by-email/${encodeURIComponent(address)}`;
    const healthUrl = `${worker.url}/health`;
    const check = await fetch(lookupUrl);
    if (check.status !== 200) throw new Error(`lookup answered ${check.status}`);
    // Warm both paths (isolate, JIT, cache) before measuring.
    await wrk(healthUrl, ['-t1', '-c2', '-d1s', '--latency']);
    await wrk(lookupUrl, ['-t1', '-c2', '-d1s', '--latency']);
    // ABBA order, averaged: load drift on a shared machine hits both routes alike.
    const h1 = await wrk(healthUrl);
    const l1 = await wrk(lookupUrl);
    const l2 = await wrk(lookupUrl);
    const h2 = await wrk(healthUrl);
    const health = mean(h1, h2);
    const lookup = mean(l1, l2);
    // For comparison: a lookup that always misses the cache (404s are not cached) and reads D1.
    const uncached = await wrk(`${worker.url}/vks/v1/by-email/absent%40noise.localhost`);
    const ratio = lookup.requestsPerSecond / health.requestsPerSecond;
    const p99Ratio = lookup.p99Ms / health.p99Ms;
    const row = (name: string, r: WrkResult) =>
      `| ${name.padEnd(26)} | ${r.requestsPerSecond.toFixed(0).padStart(7)} | ${r.p50Ms.toFixed(2).padStart(8)} | ${r.p99Ms.toFixed(2).padStart(8)} | ${String(r.non2xx).padStart(7)} |`;
    // The uncached row answers 404 by design; the two measured routes must not fail.
    if (health.non2xx > 0 || lookup.non2xx > 0) throw new Error('non-2xx answers during the benchmark');
    return [
      'Worker: wrangler dev, wrk -t2 -c4 -d5s --latency, two runs per route (ABBA), averaged',
      '| route                      |   req/s | p50 (ms) | p99 (ms) | non-2xx |',
      '|----------------------------|---------|----------|----------|---------|',
      row('GET /health (trivial)', health),
      row('GET /vks/v1/by-email/…', lookup),
      row('  (uncached D1 miss, info)', uncached),
      `lookup/trivial req/s: ${(ratio * 100).toFixed(0)}% (target ≥ 50%) ${ratio >= 0.5 ? 'PASS' : 'FAIL'}`,
      `lookup/trivial p99: ${p99Ratio.toFixed(2)}× (target ≤ 1.5×) ${p99Ratio <= 1.5 ? 'PASS' : 'FAIL'}`,
    ].join('\n');
  } finally {
    await worker.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await run());
}
