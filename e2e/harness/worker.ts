// Starts the real Worker under `wrangler dev` (workerd) on 127.0.0.1 with a freshly migrated
// local D1, for tests that need a live HTTP server (gpg, browsers). Each call gets its own
// state directory and port.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain .mjs helper shared with npm scripts
import { root, wranglerEnv } from '../../scripts/wrangler.mjs';

export interface WorkerServer {
  url: string;
  port: number;
  /** Lines wrangler printed (stdout and stderr), e.g. to find the `.eml` path of a sent mail. */
  log: string[];
  /** The local state directory (D1, Durable Objects, R2), e.g. to scan what was stored. */
  state: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${root}node_modules/.bin/wrangler`, args, { cwd: root, env, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`wrangler ${args[0]} failed (${code}):\n${out}`)),
    );
  });
}

export async function startWorker(
  options: {
    vars?: Record<string, string>;
    /** SQL files run on the migrated local D1 before the Worker starts (bench seeding). */
    seedSql?: string[];
  } = {},
): Promise<WorkerServer> {
  const state = mkdtempSync(join(tmpdir(), 'noise-wrangler-'));
  const env: NodeJS.ProcessEnv = wranglerEnv();
  await run(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], env);
  for (const file of options.seedSql ?? [])
    await run(['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', file, '--yes'], env);
  const port = await freePort();
  // A local Worker is a development one (the transparency log uses its development keys), and
  // its verification links point at SERVICE_URL, never the request's Host: this Worker's port.
  const vars = { ENVIRONMENT: 'development', SERVICE_URL: `http://127.0.0.1:${port}`, ...options.vars };
  const varArgs = Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const child: ChildProcess = spawn(
    `${root}node_modules/.bin/wrangler`,
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      state,
      '--inspector-port',
      String(await freePort()),
      '--show-interactive-dev-session=false',
      ...varArgs,
    ],
    { cwd: root, env, stdio: 'pipe', detached: true },
  );
  const log: string[] = [];
  const onData = (d: Buffer) => log.push(...d.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${log.join('\n')}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not start:\n${log.join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    log,
    state,
    async stop() {
      if (child.exitCode === null && child.pid) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(-child.pid, 'SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      }
      rmSync(state, { recursive: true, force: true });
    },
  };
}
