// The CLI against the real directory: the Worker under `wrangler dev` with a fresh D1. An account
// is registered with keys made by `noise keygen`; then `lookup` and `encrypt --to ADDRESS` find
// them, for OpenPGP (by-email lookup) and the envelope (prekey bundle).

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount } from '../e2e/harness/accounts.ts';
import { startWorker, type WorkerServer } from '../e2e/harness/worker.ts';
import { EXIT } from './exit-codes.ts';

const MAIN = new URL('./main.ts', import.meta.url).pathname;
const WEAK = { NOISE_ALLOW_WEAK_KDF: '1' };
const address = `cli-${Date.now().toString(36)}@noise.localhost`;
let worker: WorkerServer;
let dir: string;
let fingerprint: string;

function noise(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { env: { ...process.env, ...WEAK } },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: number }).code : 0;
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
      },
    );
    child.stdin!.end(input);
  });
}

const p = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'noise-cli-dir-'));
  await writeFile(p('pw'), 'directory passphrase\n');
  const pw = ['--passphrase-file', p('pw')];
  const [pgp, env] = await Promise.all([
    noise(['keygen', '--format', 'pgp', '--email', address, '--out', p('me'), ...pw]),
    noise(['keygen', '--format', 'envelope', '--email', address, '--kdf', 'weak', '--out', p('me'), ...pw]),
    (async () => {
      worker = await startWorker();
    })(),
  ]);
  expect(pgp.code, pgp.stderr).toBe(0);
  expect(env.code, env.stderr).toBe(0);
  fingerprint = JSON.parse(pgp.stdout).fingerprint;
  const envPublic = JSON.parse(await readFile(p('me.noise-pub.json'), 'utf8'));
  await registerAccount(worker.url, {
    address,
    openpgpKey: await readFile(p('me.pub.asc'), 'utf8'),
    envelope: { identity: envPublic.identity, signedPrekey: envPublic.signedPrekey, oneTimePrekeys: [] },
    deviceName: 'cli test',
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('noise CLI against the directory', () => {
  it('looks a key up by address and by fingerprint; an unknown address is exit 6', async () => {
    const [byEmail, byFpr, armored, missing] = await Promise.all([
      noise(['lookup', address, '--directory', worker.url]),
      noise(['lookup', fingerprint, '--directory', worker.url]),
      noise(['lookup', address, '--directory', worker.url, '--armor']),
      noise(['lookup', `nobody-${Date.now()}@noise.localhost`, '--directory', worker.url]),
    ]);
    expect(byEmail.code, byEmail.stderr).toBe(0);
    expect(JSON.parse(byEmail.stdout)).toMatchObject({ fingerprint, addresses: [address], envelope: true });
    expect(byFpr.code, byFpr.stderr).toBe(0);
    expect(JSON.parse(byFpr.stdout).fingerprint).toBe(fingerprint);
    expect(armored.stdout).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toMatch(/^noise: [^\n]+\n$/);
  });

  it('encrypts to an address in both formats, and the owner decrypts', async () => {
    const pw = ['--passphrase-file', p('pw')];
    const [pgp, env] = await Promise.all([
      noise(['encrypt', '--to', address, '--directory', worker.url], 'to the directory'),
      noise(
        [
          'encrypt',
          '--format',
          'envelope',
          '--to',
          address,
          '--sign-with',
          p('me.noise-key.json'),
          '--directory',
          worker.url,
          ...pw,
        ],
        'sealed via bundle',
      ),
    ]);
    expect(pgp.code, pgp.stderr).toBe(0);
    expect(env.code, env.stderr).toBe(0);
    const [a, b] = await Promise.all([
      noise(['decrypt', '--key', p('me.key.asc'), ...pw], pgp.stdout),
      noise(['decrypt', '--key', p('me.noise-key.json'), ...pw], env.stdout),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout.split('\n').slice(1).join('\n')).toBe('to the directory');
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout.split('\n').slice(1).join('\n')).toBe('sealed via bundle');
  });
});
