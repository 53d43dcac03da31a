// The CLI as a real process, for the CLI's tests: exit code, stdout bytes, stderr text.

import { execFile } from 'node:child_process';

const MAIN = new URL('../main.ts', import.meta.url).pathname;

export interface Ran {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function noise(
  args: string[],
  input?: string | Uint8Array,
  env: Record<string, string> = {},
): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { encoding: 'buffer', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? -1) : 0;
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr: stderr.toString() });
      },
    );
    child.stdin!.end(input ?? '');
  });
}

/** decrypt/verify output: a JSON line, then the plaintext. */
export function split(out: Buffer): { json: Record<string, unknown>; rest: string } {
  const text = out.toString();
  const nl = text.indexOf('\n');
  return { json: JSON.parse(text.slice(0, nl)), rest: text.slice(nl + 1) };
}
