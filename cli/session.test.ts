// `noise login`, `sessions` and `logout` against the real Worker (`wrangler dev`): the session is
// kept in a 0600 file and later processes refresh it through the one API client instead of
// logging in again; after logout the file is gone and the session is revoked.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type WorkerServer } from '../e2e/harness/worker.ts';
import { KDF_DEFAULTS } from '../shared/api/accounts.ts';
import { toServerKdf } from '../shared/api/kdf-params.ts';
import { toBase64Url, utf8 } from '../shared/encoding.ts';
import { derivePassphraseKeys, type KdfParams } from '../shared/kdf/passphrase.ts';
import { generateKey } from '../shared/pgp/keys.ts';
import { EXIT } from './exit-codes.ts';

const MAIN = new URL('./main.ts', import.meta.url).pathname;
const PASSPHRASE = 'the cli session passphrase';
const address = `cli-session-${Date.now().toString(36)}@noise.localhost`;
let worker: WorkerServer;
let dir: string;

function noise(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { env: { ...process.env, NOISE_PASSPHRASE: PASSPHRASE, NOISE_SESSION: join(dir, 'session.json') } },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: number }).code : 0;
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
      },
    ).stdin?.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'noise-cli-session-'));
  worker = await startWorker();
  const kdf: KdfParams = {
    v: 1,
    alg: 'argon2id',
    m: KDF_DEFAULTS.memoryKiB,
    t: KDF_DEFAULTS.iterations,
    p: KDF_DEFAULTS.parallelism,
    salt: toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
  };
  const keys = await derivePassphraseKeys(PASSPHRASE, kdf);
  const key = await generateKey({ userIds: [{ email: address }], passphrase: 'x' });
  const res = await fetch(`${worker.url}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      address,
      kdf: toServerKdf(kdf),
      authKey: toBase64Url(keys.authKey),
      vault: toBase64Url(utf8('{}')),
      keys: { openpgpKey: key.publicKey },
      deviceName: 'register',
    }),
  });
  expect(res.status).toBe(201);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the CLI session file', () => {
  it('logs in once; later runs refresh the stored session; logout removes it', async () => {
    const file = join(dir, 'session.json');
    const login = await noise(['login', address, '--directory', worker.url]);
    expect(login.code, login.stderr).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, 'utf8'));
    expect(stored).toMatchObject({ v: 1, directory: worker.url, address });
    expect(JSON.stringify(stored)).not.toContain(PASSPHRASE);

    // The access token has lapsed: the next run refreshes (the file gets the rotated token).
    await writeFile(file, JSON.stringify({ ...stored, tokens: { ...stored.tokens, accessExpiresAt: 0 } }));
    const listed = await noise(['sessions']);
    expect(listed.code, listed.stderr).toBe(0);
    const sessions = JSON.parse(listed.stdout) as { deviceName: string; current: boolean }[];
    // The registration's session and the CLI's one: no new session for the refresh.
    expect(sessions.map((s) => s.deviceName).sort()).toEqual(['noise CLI', 'register']);
    expect(sessions.find((s) => s.current)?.deviceName).toBe('noise CLI');
    const refreshed = JSON.parse(await readFile(file, 'utf8'));
    expect(refreshed.tokens.sessionId).toBe(stored.tokens.sessionId);
    expect(refreshed.tokens.refreshToken).not.toBe(stored.tokens.refreshToken);

    const out = await noise(['logout']);
    expect(out.code, out.stderr).toBe(0);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await noise(['sessions'])).code).toBe(EXIT.notFound);
  }, 120_000);
});
