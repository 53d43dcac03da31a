// Key files of the CLI: every failure names the file it came from; a private key without a
// passphrase is used as it is (gpg asks for none either); a v5 key is "unsupported", not "malformed".

import { unarmor } from 'openpgp';
import { isNoiseError, NoiseError } from '../shared/errors.ts';
import { type PrivateKey, type PublicKey, readPublicKey, unlockPrivateKey } from '../shared/pgp/index.ts';
import { CliError, EXIT } from './exit-codes.ts';
import { passphrase as readPassphrase, readText } from './io.ts';

/** The version octet of the first packet (a key packet: RFC 9580 §5.5.2), or undefined. */
async function firstPacketVersion(text: string): Promise<number | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = text.trimStart().startsWith('-----')
      ? ((await unarmor(text)).data as Uint8Array)
      : new TextEncoder().encode(text);
  } catch {
    return undefined;
  }
  const tag = bytes[0];
  if (tag === undefined || (tag & 0x80) === 0) return undefined;
  if (tag & 0x40) {
    // New format (RFC 9580 §4.2.1): one, two or five length octets.
    const first = bytes[1] ?? 0;
    const lengthOctets = first < 192 ? 1 : first < 224 ? 2 : 5;
    return bytes[2 + (lengthOctets === 5 ? 4 : lengthOctets - 1)];
  }
  const lengthType = tag & 0x03;
  return bytes[1 + (lengthType === 0 ? 1 : lengthType === 1 ? 2 : 4)];
}

/** Turns a key that failed to load into an error naming its file (and v5 into "unsupported"). */
async function keyError(e: unknown, path: string, what: string, text: string): Promise<Error> {
  if (isNoiseError(e, 'malformed') && (await firstPacketVersion(text)) === 5) {
    return new NoiseError('unsupported', `${what} ${path}: v5 keys (LibrePGP) are not supported`);
  }
  if (isNoiseError(e)) return new NoiseError(e.code, `${what} ${path}: ${e.message}`, { cause: e });
  return e instanceof Error ? e : new Error(String(e));
}

async function readKeyText(path: string, what: string): Promise<string> {
  try {
    return await readText(path, what);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as { code?: string }).code ?? 'error';
    throw new CliError(EXIT.usage, `${what} ${path} cannot be read (${code})`);
  }
}

/** Public keys from files (a private key file gives its public half). */
export async function loadPublicKeys(paths: readonly string[], what: string): Promise<PublicKey[]> {
  const keys: PublicKey[] = [];
  for (const path of paths) {
    const text = await readKeyText(path, what);
    try {
      keys.push(await readPublicKey(text));
    } catch (e) {
      throw await keyError(e, path, what, text);
    }
  }
  return keys;
}

/** The passphrase, asked for at most once and only when a protected key needs it. */
export function lazyPassphrase(file: string | undefined): () => Promise<string> {
  let asked: Promise<string> | undefined;
  return () => {
    asked ??= readPassphrase(file);
    return asked;
  };
}

/** A private key from its file, unlocked; an unprotected key needs no passphrase. */
export async function loadPrivateKey(
  path: string,
  what: string,
  passphrase: () => Promise<string>,
): Promise<{ text: string; key: PrivateKey }> {
  const text = await readKeyText(path, what);
  try {
    // unlockPrivateKey returns a key without S2K protection as it is, whatever the passphrase.
    const unprotected = await unlockPrivateKey(text, '').catch((e: unknown) => {
      if (isNoiseError(e, 'bad_passphrase')) return null;
      throw e;
    });
    return { text, key: unprotected ?? (await unlockPrivateKey(text, await passphrase())) };
  } catch (e) {
    throw await keyError(e, path, what, text);
  }
}

export { readKeyText };
