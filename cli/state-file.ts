// Small JSON state files for the long-running `noise log` modes (seen checkpoints, the watched
// size, the witness's cosigned sizes): read with a default, written atomically (temp file,
// fsync, rename) so a crash never leaves half a state, which for a witness could mean cosigning
// a rolled-back tree.

import { randomBytes } from 'node:crypto';
import { open, readFile, rename } from 'node:fs/promises';
import { CliError, EXIT } from './exit-codes.ts';

export async function readState<T>(path: string | undefined, empty: T): Promise<T> {
  if (!path) return empty;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return empty;
    throw new CliError(EXIT.malformed, `state file unreadable: ${path}`);
  }
}

export async function writeState(path: string | undefined, value: unknown): Promise<void> {
  if (!path) return;
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}
