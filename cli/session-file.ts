// The CLI's store for the one API client's session (shared/api/session-store.ts): a JSON file,
// readable by its owner only, written by rename so a crash never leaves half a token. It names
// the directory and the account it belongs to; `noise login` fills it, later commands refresh
// through it (each refresh rotates the token, so the file must be rewritten every time).

import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { SessionTokens } from '../shared/api/accounts.ts';
import type { SessionStore } from '../shared/api/session-store.ts';

const SessionFile = z.strictObject({
  v: z.literal(1),
  directory: z.string(),
  address: z.string(),
  tokens: SessionTokens,
});
type SessionFile = z.infer<typeof SessionFile>;

/** `--session FILE`, NOISE_SESSION, or the user's config directory. */
export function sessionPath(flag: string | undefined): string {
  if (flag) return flag;
  if (process.env.NOISE_SESSION) return process.env.NOISE_SESSION;
  const config = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'noise', 'session.json');
}

/** The file's contents, or null when there is none or it is not a session file. */
export async function readSessionFile(path: string): Promise<SessionFile | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw e;
  }
  const parsed = SessionFile.safeParse(JSON.parse(text || 'null'));
  return parsed.success ? parsed.data : null;
}

async function writeSessionFile(path: string, contents: SessionFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(contents)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** A SessionStore over the file, for the account `address` at `directory`. */
export function fileSessionStore(path: string, directory: string, address: string): SessionStore {
  return {
    async get() {
      const held = await readSessionFile(path);
      return held && held.directory === directory && held.address === address ? held.tokens : undefined;
    },
    async set(tokens) {
      if (tokens) await writeSessionFile(path, { v: 1, directory, address, tokens });
      else await rm(path, { force: true });
    },
  };
}
