// `noise lookup`: a key in the directory, by address or fingerprint.

import { apiClient } from '../../shared/api/client.ts';
import { CliError, EXIT, UsageError } from '../exit-codes.ts';
import { toJson, writeStdout } from '../io.ts';
import { directoryUrl } from '../recipients.ts';

interface LookupArgs {
  query: string | undefined;
  directory: string | undefined;
  armor: boolean;
}

export async function lookup(a: LookupArgs): Promise<void> {
  if (!a.query) throw new UsageError('lookup needs an ADDRESS or FINGERPRINT');
  const url = directoryUrl(a.directory);
  if (!url) throw new UsageError('lookup needs --directory URL (or NOISE_DIRECTORY)');
  const client = apiClient({ baseUrl: url }).directory;
  const fingerprint = a.query.replace(/\s+/g, '').toUpperCase();
  const found = /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/.test(fingerprint)
    ? await client.lookupByFingerprint(fingerprint)
    : await client.lookupByEmail(a.query);
  if (!found) throw new CliError(EXIT.notFound, `nothing published for ${a.query}`);
  await writeStdout(a.armor ? found.openpgpKey : `${toJson(found)}\n`);
}
