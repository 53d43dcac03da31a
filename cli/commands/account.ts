// `noise login`, `noise sessions` and `noise logout`: the account's server session, kept in a
// file (cli/session-file.ts) through the one API client, so later commands refresh it rather
// than log in again. The passphrase gives the auth key exactly as the extension derives it
// (shared/kdf): the server's KDF parameters, then Argon2id here; only the auth key is sent.

import { normalizeAddress } from '../../shared/address.ts';
import { apiClient } from '../../shared/api/client.ts';
import { fromServerKdf } from '../../shared/api/kdf-params.ts';
import { toBase64Url } from '../../shared/encoding.ts';
import { derivePassphraseKeys } from '../../shared/kdf/passphrase.ts';
import { CliError, EXIT, UsageError } from '../exit-codes.ts';
import { passphrase, toJson, writeStdout } from '../io.ts';
import { directoryUrl } from '../recipients.ts';
import { fileSessionStore, readSessionFile, sessionPath } from '../session-file.ts';

const CLI_DEVICE_NAME = 'noise CLI';

interface LoginArgs {
  address: string | undefined;
  directory: string | undefined;
  session: string | undefined;
  passphraseFile: string | undefined;
}

export async function login(a: LoginArgs): Promise<void> {
  if (!a.address) throw new UsageError('login needs the account ADDRESS');
  const url = directoryUrl(a.directory);
  if (!url) throw new UsageError('login needs --directory URL (or NOISE_DIRECTORY)');
  const address = normalizeAddress(a.address);
  const path = sessionPath(a.session);
  const api = apiClient({ baseUrl: url, session: fileSessionStore(path, url, address) });
  const kdf = fromServerKdf(await api.kdfParams(address));
  const keys = await derivePassphraseKeys(await passphrase(a.passphraseFile), kdf);
  keys.wrapKey.fill(0);
  const tokens = await api.login({
    address,
    authKey: toBase64Url(keys.authKey),
    deviceName: CLI_DEVICE_NAME,
  });
  await writeStdout(`${toJson({ address, sessionId: tokens.sessionId, sessionFile: path })}\n`);
}

/** The client for the stored session; its refreshes rewrite the file. */
async function storedClient(flag: string | undefined) {
  const path = sessionPath(flag);
  const held = await readSessionFile(path);
  if (!held) throw new CliError(EXIT.notFound, `no session in ${path}: run noise login first`);
  return {
    held,
    api: apiClient({
      baseUrl: held.directory,
      session: fileSessionStore(path, held.directory, held.address),
    }),
  };
}

export async function sessions(a: { session: string | undefined }): Promise<void> {
  const { api } = await storedClient(a.session);
  await writeStdout(`${toJson(await api.sessions.list())}\n`);
}

export async function logout(a: { session: string | undefined }): Promise<void> {
  const { api, held } = await storedClient(a.session);
  await api.logout();
  await writeStdout(`${toJson({ address: held.address, loggedOut: true })}\n`);
}
