// Crypto benchmark: encrypt+sign and decrypt+verify of 1 MiB and 25 MiB, in the same
// run, by gpg 2.2 (`-z 0`), our OpenPGP (shared/pgp, openpgp.js streaming), our envelope
// (shared/envelope streaming) and raw WebCrypto AES-256-GCM over the same bytes.
//
// Like with like: every implementation runs as its own process under /usr/bin/time (peak RSS,
// %M) and is timed from spawn to exit by this process (wall). Ours are Node processes
// (bench/child.ts bundled by esbuild, run by plain node), so their wall includes Node start-up and module loading; the child
// also reports its in-process time (after modules loaded, keys read, to output file closed),
// which is compared with gpg's whole process (gpg's start-up is a few ms). Both ratios are shown.
// All read the input file and write the output file; outputs are checked against the input.
// Targets: envelope ≤ 1.0× gpg and ≤ 1.5× AES-GCM; PGP ≤ 2× gpg with peak memory ≤ 2× the input.

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toBase64Url, toHex } from '../../shared/encoding.ts';
import {
  generateIdentity,
  generateSignedPrekey,
  type IdentitySecret,
  identitySecretToJson,
  publicIdentity,
  publicSignedPrekey,
  type SignedPrekeySecret,
  signedPrekeySecretToJson,
} from '../../shared/envelope/index.ts';
import { identityToJson, signedPrekeyToJson } from '../../shared/envelope/public-json.ts';
import { generateKey, unlockPrivateKey } from '../../shared/pgp/index.ts';
import type { BenchKeys } from '../child.ts';
import { bundle, exec, type Sample as MeasuredSample, measured } from '../measure.ts';

const MiB = 1024 * 1024;
const SIZES = [1 * MiB, 25 * MiB];
const REPEATS: Record<number, number> = { [MiB]: 7, [25 * MiB]: 5 };
const CHILD = new URL('../child.ts', import.meta.url).pathname;

type Impl = 'gpg' | 'pgp' | 'envelope' | 'aes-gcm';
type Op = 'encrypt' | 'decrypt';
type Sample = Pick<MeasuredSample, 'wallMs' | 'rssKiB' | 'opMs'>;

async function makeKeys(dir: string): Promise<string> {
  const passphrase = 'bench passphrase';
  const [alice, bob] = await Promise.all(
    ['alice', 'bob'].map((n) => generateKey({ userIds: [{ email: `${n}@bench.invalid` }], passphrase })),
  );
  // Unlocked armored keys: gpg's bench keys have no passphrase either, so neither side pays S2K.
  const unlocked = async (armored: string) => (await unlockPrivateKey(armored, passphrase)).armor();
  const secrets = new Map<string, { identity: IdentitySecret; spk: SignedPrekeySecret }>();
  const party = (address: string) => {
    const identity = generateIdentity();
    const spk = generateSignedPrekey(1, Math.floor(Date.now() / 1000));
    secrets.set(address, { identity, spk });
    return { address, identity: identitySecretToJson(identity), signedPrekey: signedPrekeySecretToJson(spk) };
  };
  const alicePartyJson = party('alice@bench.invalid');
  const bobPartyJson = party('bob@bench.invalid');
  const bobSecrets = secrets.get('bob@bench.invalid')!;
  const bobIdentity = publicIdentity(bobSecrets.identity);
  const bobSpk = publicSignedPrekey(bobSecrets.identity, bobSecrets.spk);
  const keys: BenchKeys = {
    pgp: {
      alicePrivate: await unlocked(alice!.privateKey),
      alicePublic: alice!.publicKey,
      bobPrivate: await unlocked(bob!.privateKey),
      bobPublic: bob!.publicKey,
    },
    envelope: {
      alice: alicePartyJson,
      bob: bobPartyJson,
      bobBundle: {
        identity: identityToJson(bobIdentity),
        signedPrekey: signedPrekeyToJson(bobSpk),
      },
    },
    aes: {
      key: toBase64Url(crypto.getRandomValues(new Uint8Array(32))),
      iv: toHex(crypto.getRandomValues(new Uint8Array(12))),
    },
  };
  const path = join(dir, 'keys.json');
  await writeFile(path, JSON.stringify(keys), { mode: 0o600 });
  return path;
}

/** An isolated GNUPGHOME with Ed25519/Cv25519 keys for alice and bob, like ours. */
async function makeGpgHome(dir: string): Promise<NodeJS.ProcessEnv> {
  const home = join(dir, 'gnupg');
  await mkdir(home, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: home };
  for (const n of ['alice', 'bob']) {
    const uid = `${n}@bench.invalid`;
    await exec(
      'gpg',
      ['--batch', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never'],
      env,
    );
    const { stdout } = await exec('gpg', ['--batch', '--with-colons', '--list-keys', uid], env);
    const fpr = stdout
      .split('\n')
      .find((l) => l.startsWith('fpr:'))!
      .split(':')[9]!;
    await exec(
      'gpg',
      ['--batch', '--passphrase', '', '--quick-add-key', fpr, 'cv25519', 'encr', 'never'],
      env,
    );
  }
  return env;
}

const GPG_COMMON = ['--batch', '--yes', '--quiet', '--auto-key-locate', 'local', '--trust-model', 'always'];

/**
 * bench/child.ts bundled into one ESM file, so each measured child is a plain `node` process:
 * no tsx/esbuild service start-up in its wall time or its peak RSS.
 */
function bundleChild(dir: string): Promise<string> {
  return bundle(CHILD, dir, 'child');
}

let childBundle = '';

function commandFor(impl: Impl, op: Op, keys: string, input: string, output: string): [string, string[]] {
  if (impl === 'gpg') {
    return op === 'encrypt'
      ? [
          'gpg',
          [
            ...GPG_COMMON,
            '-z',
            '0',
            '-u',
            'alice@bench.invalid',
            '-r',
            'bob@bench.invalid',
            '-r',
            'alice@bench.invalid',
          ].concat(['--sign', '--encrypt', '-o', output, input]),
        ]
      : ['gpg', [...GPG_COMMON, '-o', output, '--decrypt', input]];
  }
  const childOp = { pgp: 'pgp', envelope: 'env', 'aes-gcm': 'aes' }[impl];
  return [process.execPath, [childBundle, `${childOp}-${op}`, keys, input, output]];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Times are the best of the runs: on a shared machine other processes only ever add time, so the
 * minimum is the closest to the cost of the work itself. Memory is the median.
 */
function best(values: number[]): number {
  return Math.min(...values);
}

async function loadAverage(): Promise<string> {
  return (await readFile('/proc/loadavg', 'utf8').catch(() => '? ? ?')).split(' ').slice(0, 3).join(' ');
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number, d = 0) => n.toFixed(d);

export default async function run(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'noise-bench-'));
  try {
    childBundle = await bundleChild(dir);
    const keys = await makeKeys(dir);
    const gpgEnv = await makeGpgHome(dir);
    const stats = join(dir, 'time.txt');
    const samples = new Map<string, Sample[]>();
    const add = (key: string, s: Sample) => samples.set(key, [...(samples.get(key) ?? []), s]);
    const impls: Impl[] = ['gpg', 'pgp', 'envelope', 'aes-gcm'];
    const loadBefore = await loadAverage();

    // Warm-up: gpg-agent start, tsx's transform cache, the page cache for the inputs.
    const baseline: Sample[] = [];
    for (let i = 0; i < 3; i++)
      baseline.push(await measured(stats, process.execPath, [childBundle, 'baseline', keys, '-', '-']));
    for (const size of SIZES) {
      const input = join(dir, `in-${size}`);
      const bytes = new Uint8Array(size);
      for (let o = 0; o < size; o += 65536)
        crypto.getRandomValues(bytes.subarray(o, Math.min(size, o + 65536)));
      await writeFile(input, bytes);
      for (let rep = -1; rep < REPEATS[size]!; rep++) {
        for (const impl of impls) {
          const ct = join(dir, `ct-${impl}`);
          const pt = join(dir, `pt-${impl}`);
          const env = impl === 'gpg' ? gpgEnv : undefined;
          const [ec, ea] = commandFor(impl, 'encrypt', keys, input, ct);
          const enc = await measured(stats, ec, ea, env);
          const [dc, da] = commandFor(impl, 'decrypt', keys, ct, pt);
          const dec = await measured(stats, dc, da, env);
          if (!Buffer.from(await readFile(pt)).equals(Buffer.from(bytes)))
            throw new Error(`${impl}: round trip differs`);
          if (rep < 0) continue; // the warm-up round is not counted
          add(`${size}/${impl}/encrypt`, enc);
          add(`${size}/${impl}/decrypt`, dec);
        }
      }
    }
    await exec('gpgconf', ['--kill', 'gpg-agent'], gpgEnv).catch(() => undefined);
    return table(
      samples,
      baseline,
      `load average before ${loadBefore}, after ${await loadAverage()} (2 cores)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function table(samples: Map<string, Sample[]>, baseline: Sample[], load: string): string {
  const nodeRss = median(baseline.map((b) => b.rssKiB)) / 1024;
  const m = (size: number, impl: Impl, op: Op) => {
    const s = samples.get(`${size}/${impl}/${op}`)!;
    const rss = median(s.map((x) => x.rssKiB)) / 1024;
    return { wall: best(s.map((x) => x.wallMs)), op: best(s.map((x) => x.opMs)), rss, above: rss - nodeRss };
  };
  const names: Record<Impl, string> = {
    gpg: 'gpg -z 0',
    pgp: 'PGP (openpgp.js)',
    envelope: 'envelope',
    'aes-gcm': 'raw AES-256-GCM',
  };
  const opName = (op: Op) => (op === 'encrypt' ? 'encrypt+sign' : 'decrypt+verify');
  const lines = [
    `best of ${REPEATS[MiB]} (1 MiB) and ${REPEATS[25 * MiB]} (25 MiB) runs for times, median for memory; ${load}`,
    'wall = whole process, spawn to exit; in-proc = inside our Node process, after start-up and module loading;',
    `Node start-up alone (bundled child, no operation): ${num(best(baseline.map((b) => b.wallMs)))} ms wall, ${num(nodeRss, 1)} MiB peak RSS`,
    '',
    `${pad('size', 7)}${pad('operation', 16)}${pad('implementation', 19)}${pad('wall ms', 9)}${pad('in-proc ms', 12)}${pad('peak RSS MiB', 14)}above Node MiB`,
  ];
  for (const size of SIZES) {
    for (const op of ['encrypt', 'decrypt'] as Op[]) {
      for (const impl of ['gpg', 'pgp', 'envelope', 'aes-gcm'] as Impl[]) {
        const r = m(size, impl, op);
        lines.push(
          `${pad(`${size / MiB} MiB`, 7)}${pad(opName(op), 16)}${pad(names[impl], 19)}${pad(num(r.wall), 9)}` +
            `${pad(impl === 'gpg' ? '-' : num(r.op), 12)}${pad(num(r.rss, 1), 14)}${impl === 'gpg' ? '-' : num(r.above, 1)}`,
        );
      }
    }
  }
  lines.push(
    '',
    "ratios (in-proc: our time inside Node against gpg's whole process)",
    `${pad('size', 7)}${pad('operation', 16)}${pad('env/gpg wall', 14)}${pad('env/gpg in-proc', 17)}${pad('env/AES in-proc', 17)}` +
      `${pad('PGP/gpg wall', 14)}${pad('PGP/gpg in-proc', 17)}${pad('PGP peak/input', 16)}PGP above-Node/input`,
  );
  for (const size of SIZES) {
    for (const op of ['encrypt', 'decrypt'] as Op[]) {
      const g = m(size, 'gpg', op);
      const e = m(size, 'envelope', op);
      const p = m(size, 'pgp', op);
      const a = m(size, 'aes-gcm', op);
      const x = (v: number) => `${num(v, 2)}×`;
      lines.push(
        `${pad(`${size / MiB} MiB`, 7)}${pad(opName(op), 16)}${pad(x(e.wall / g.wall), 14)}${pad(x(e.op / g.wall), 17)}` +
          `${pad(x(e.op / a.op), 17)}${pad(x(p.wall / g.wall), 14)}${pad(x(p.op / g.wall), 17)}` +
          `${pad(x(p.rss / (size / MiB)), 16)}${x(p.above / (size / MiB))}`,
      );
    }
  }
  lines.push(
    '',
    'Targets: envelope ≤ 1.0× gpg and ≤ 1.5× AES-GCM; PGP ≤ 2× gpg; PGP peak ≤ 2× input.',
    "gpg-agent, which holds gpg's secret keys, is a separate process and not in gpg's peak RSS.",
  );
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${await run()}\n`);
}
