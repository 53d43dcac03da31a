// Process I/O for the CLI: stdin, stdout, key files, passphrases and JSON output.

import { readFile } from 'node:fs/promises';
import { toBase64Url } from '../shared/encoding.ts';
import { CliError, EXIT, UsageError } from './exit-codes.ts';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.length);
}

/** The input: `--in FILE` or stdin. */
export async function readInput(path: string | undefined): Promise<Uint8Array> {
  return path === undefined || path === '-' ? readStdin() : new Uint8Array(await readFile(path));
}

export function writeStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT')
      throw new CliError(EXIT.notFound, `${what} not found: ${path}`);
    throw e;
  }
}

/**
 * The passphrase: from `--passphrase-file` (first line) or the NOISE_PASSPHRASE variable, never
 * from the command line, where other users could read it in the process list.
 */
export async function passphrase(file: string | undefined): Promise<string> {
  if (file !== undefined) {
    const text = await readText(file, 'passphrase file');
    const line = text.split(/\r?\n/)[0] ?? '';
    if (line === '') throw new UsageError('the passphrase file is empty');
    return line;
  }
  const env = process.env.NOISE_PASSPHRASE;
  if (env) return env;
  throw new UsageError('give a passphrase with --passphrase-file FILE or NOISE_PASSPHRASE');
}

/** JSON with bytes as base64url and dates as ISO 8601, for verdicts and key listings. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    function replace(this: unknown, key: string, v: unknown) {
      const raw = (this as Record<string, unknown>)[key];
      if (raw instanceof Uint8Array) return toBase64Url(raw);
      if (raw instanceof Date) return raw.toISOString();
      return v;
    },
    0,
  );
}
