// What the bench sections share to measure a whole process: run it under /usr/bin/time (peak
// RSS) and time it from spawn to exit; bundle a TypeScript entry into one plain-node file so
// tsx's start-up is in neither figure.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const TIME = '/usr/bin/time';

export interface Sample {
  wallMs: number;
  rssKiB: number;
  /** In-process time when the child reports one (`{ opMs }` or `{ ms }`), else the wall time. */
  opMs: number;
  /** The exit code (0 unless `allowFailure`). */
  code: number;
  stdout: string;
}

export function exec(
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
  allowFailure = false,
): Promise<{ stdout: string; ms: number; code: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const ms = performance.now() - started;
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      if (error && !allowFailure)
        reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed: ${stderr.split('\n')[0]}`));
      else resolve({ stdout, ms, code });
    });
  });
}

/** Runs a command under /usr/bin/time; wall is measured here, peak RSS (KiB) by time(1). */
export async function measured(
  stats: string,
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
  allowFailure = false,
): Promise<Sample> {
  const { stdout, ms, code } = await exec(
    TIME,
    ['-f', '%e %M', '-o', stats, cmd, ...args],
    env,
    allowFailure,
  );
  const [, rss] = (await readFile(stats, 'utf8')).trim().split(/\s+/).slice(-2);
  const last = stdout.trim().split('\n').pop() ?? '';
  const reported = last.startsWith('{') ? (JSON.parse(last) as { opMs?: number; ms?: number }) : {};
  return { wallMs: ms, rssKiB: Number(rss), opMs: reported.opMs ?? reported.ms ?? ms, code, stdout };
}

/** A TypeScript entry bundled into one ESM file for plain `node`. */
export async function bundle(entry: string, dir: string, name: string): Promise<string> {
  const outfile = join(dir, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    logLevel: 'error',
    banner: {
      js: "import { createRequire as benchCreateRequire } from 'node:module'; const require = benchCreateRequire(import.meta.url);",
    },
  });
  return outfile;
}
