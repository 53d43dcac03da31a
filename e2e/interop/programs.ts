// Runs the real gpg and sq for interop tests, each gpg in its own throwaway GNUPGHOME.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  input?: string | Uint8Array,
  env?: NodeJS.ProcessEnv,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('error', reject);
    // A program that reads its input from a file may exit before we close stdin: EPIPE is fine.
    child.stdin.on('error', () => {});
    child.once('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.end(input ?? '');
  });
}

/**
 * Runs a program on a pseudo-terminal (util-linux `script`), typing `typed` into it: sq 0.27 reads
 * key passwords only from a terminal. Returns the program's exit code and what the terminal showed.
 */
export function runInTerminal(command: string, args: string[], typed: string): Promise<RunResult> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  return run('script', ['-qec', [command, ...args].map(quote).join(' '), '/dev/null'], typed);
}

export interface GpgHome {
  dir: string;
  /** gpg in batch mode in this home, with loopback pinentry and the given passphrase. */
  gpg(args: string[], options?: { input?: string | Uint8Array; passphrase?: string }): Promise<RunResult>;
  /** Writes a file in the home's scratch directory and returns its path. */
  file(name: string, data: string | Uint8Array): string;
  cleanup(): Promise<void>;
}

export function createGpgHome(): GpgHome {
  const dir = mkdtempSync(join(tmpdir(), 'noise-gpg-'));
  chmodSync(dir, 0o700);
  // Loopback pinentry: passphrases come from the command line, never from a human.
  writeFileSync(join(dir, 'gpg-agent.conf'), 'allow-loopback-pinentry\n');
  const env = { ...process.env, GNUPGHOME: dir, LC_ALL: 'C' };
  const base = [
    '--batch',
    '--no-tty',
    '--quiet',
    '--auto-key-locate',
    'local',
    '--trust-model',
    'always',
    '--pinentry-mode',
    'loopback',
  ];
  return {
    dir,
    gpg: (args, options = {}) =>
      run('gpg', [...base, '--passphrase', options.passphrase ?? '', ...args], options.input, env),
    file(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    async cleanup() {
      await run('gpgconf', ['--kill', 'all'], undefined, env);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Status lines (`[GNUPG:] KEYWORD args`) from gpg's --status-fd output. */
export function statusLines(stdout: Buffer | string): string[] {
  return stdout
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('[GNUPG:] '))
    .map((l) => l.slice(9).trim());
}

export function scratchDir(prefix: string): {
  dir: string;
  file(name: string, data: string | Uint8Array): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
