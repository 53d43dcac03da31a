// `noise log` against the real Worker under `wrangler dev`, with a real `noise log witness`
// process configured as its witness (LOG_WITNESSES): verify audits the whole log and keeps the
// checkpoints it saw; a state whose earlier checkpoint the log no longer matches is tampered;
// watch names the owner's key and alarms on one not listed; the Worker's checkpoints come back
// cosigned by the witness, and verify --witness requires that.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount } from '../e2e/harness/accounts.ts';
import { freePort, startWorker, type WorkerServer } from '../e2e/harness/worker.ts';
import { EXIT } from './exit-codes.ts';

const MAIN = new URL('./main.ts', import.meta.url).pathname;
let worker: WorkerServer;
let witness: ChildProcess;
let witnessKey: string;
let otherLogKey: string;
let dir: string;
const alice = `log-alice-${Date.now().toString(36)}@noise.localhost`;
let aliceFingerprint: string;

function noise(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], (error, stdout, stderr) => {
      const code = error ? (error as { code?: number }).code : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

async function register(address: string): Promise<string> {
  const { publicKey } = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: address }],
    format: 'object',
  });
  await registerAccount(worker.url, { address, openpgpKey: publicKey.armor(), deviceName: 'log test' });
  return publicKey.getFingerprint().toUpperCase();
}

const p = (name: string) => join(dir, name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'noise-cli-log-'));
  const keygen = await noise([
    'log',
    'keygen',
    '--name',
    'witness.test/w1',
    '--cosigner',
    '--out',
    p('witness.key'),
  ]);
  expect(keygen.code, keygen.stderr).toBe(0);
  witnessKey = keygen.stdout.trim();
  // The Worker asks the witness only when it signs a checkpoint (on the first read, below), so
  // it can start first, pointed at the port the witness will take once it knows the log key.
  const port = await freePort();
  worker = await startWorker({ vars: { LOG_WITNESSES: `${witnessKey} http://127.0.0.1:${port}` } });
  const logKey = (await (await fetch(`${worker.url}/api/v1/log/key`)).text()).trim();
  witness = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      MAIN,
      'log',
      'witness',
      '--log-key',
      logKey,
      '--key',
      p('witness.key'),
      '--state',
      p('witness.json'),
      '--port',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    witness.stdout!.on('data', (d: Buffer) => {
      if (/listening on http/.test(d.toString())) resolve();
    });
    witness.on('exit', () => reject(new Error('witness exited')));
  });
  const other = await noise(['log', 'keygen', '--name', 'noise.localhost/log', '--out', p('other.key')]);
  otherLogKey = other.stdout.trim();
  aliceFingerprint = await register(alice);
  await register(`log-bob-${Date.now().toString(36)}@noise.localhost`);
}, 180_000);

afterAll(async () => {
  witness?.kill();
  await worker?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('noise log verify', () => {
  it('audits the whole log, keeps the checkpoints it saw, and checks them again next time', async () => {
    const first = await noise(['log', 'verify', '--directory', worker.url, '--state', p('verify.json')]);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ ok: true, logKeySource: 'first use', problems: [] });
    expect(report.size).toBeGreaterThanOrEqual(2);
    expect(report.events.key_published).toBeGreaterThanOrEqual(2);
    await register(`log-carol-${Date.now().toString(36)}@noise.localhost`);
    await sleep(2100);
    const second = JSON.parse(
      (await noise(['log', 'verify', '--directory', worker.url, '--state', p('verify.json')])).stdout,
    );
    expect(second).toMatchObject({ ok: true, logKeySource: 'pinned' });
    expect(second.size).toBeGreaterThan(report.size);
    expect(second.checkpointsChecked).toBe(2);
  });

  it('a checkpoint seen before that the log no longer matches (a fork) is tampered (exit 4)', async () => {
    const state = JSON.parse(await readFile(p('verify.json'), 'utf8'));
    state.checkpoints[0].root = Buffer.alloc(32, 7).toString('base64');
    await writeFile(p('forked.json'), JSON.stringify(state));
    const res = await noise(['log', 'verify', '--directory', worker.url, '--state', p('forked.json')]);
    expect(res.code).toBe(EXIT.tampered);
    expect(JSON.parse(res.stdout).problems[0]).toMatch(/differs from its checkpoint/);
  });

  it('a log key other than the pinned one is refused (exit 4), and so is its signature', async () => {
    const pinned = await noise([
      'log',
      'verify',
      '--directory',
      worker.url,
      '--key',
      otherLogKey,
      '--state',
      p('verify.json'),
    ]);
    expect(pinned.code).toBe(EXIT.tampered);
    expect(pinned.stderr).toMatch(/pinned/);
    const fresh = await noise(['log', 'verify', '--directory', worker.url, '--key', otherLogKey]);
    expect(fresh.code).toBe(EXIT.notForMe);
  });
});

describe('noise log watch', () => {
  const watch = (fingerprint: string, ...extra: string[]) =>
    noise([
      'log',
      'watch',
      alice,
      '--directory',
      worker.url,
      '--fingerprint',
      fingerprint,
      '--once',
      ...extra,
    ]);

  it("names the owner's key; a key the owner did not list is an alarm (exit 4)", async () => {
    const mine = await watch(aliceFingerprint);
    expect(mine.code, mine.stderr).toBe(0);
    const lines = mine.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ event: 'key_published', fingerprint: aliceFingerprint, alarm: false });
    expect(lines.at(-1)).toMatchObject({ address: alice, alarms: 0 });
    const other = 'AB'.repeat(20);
    const alarm = await watch(other, '--state', p('watch.json'));
    expect(alarm.code).toBe(EXIT.tampered);
    expect(JSON.parse(alarm.stdout.split('\n')[0]!)).toMatchObject({ event: 'key_published', alarm: true });
    // The alarm stays in the state file; the next run starts after the leaves already read.
    const state = JSON.parse(await readFile(p('watch.json'), 'utf8'));
    expect(state.alarms).toHaveLength(1);
    expect(state.size).toBeGreaterThan(0);
  });
});

describe('noise log witness', () => {
  it('cosigns the Worker checkpoints, and verify --witness requires its cosignature', async () => {
    let cosigned = false;
    for (let i = 0; i < 40 && !cosigned; i++) {
      const note = await (await fetch(`${worker.url}/api/v1/log/checkpoint`)).text();
      cosigned = note.includes('— witness.test/w1 ');
      if (!cosigned) await sleep(250);
    }
    expect(cosigned).toBe(true);
    const res = await noise(['log', 'verify', '--directory', worker.url, '--witness', witnessKey]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).cosignedBy).toEqual(['witness.test/w1']);
    const state = JSON.parse(await readFile(p('witness.json'), 'utf8'));
    expect(Object.keys(state)).toEqual(['noise.localhost/log']);
  });
});
