// Who a message is for: `--to` names a key file or an address looked up in the directory.

import { existsSync } from 'node:fs';
import { isAddress } from '../shared/address.ts';
import { apiClient } from '../shared/api/client.ts';
import type { RecipientBundle } from '../shared/envelope/index.ts';
import { checkedBundle, isEnvelopeKeyText, readEnvelopePublicFile } from './envelope-keys.ts';
import { CliError, EXIT, UsageError } from './exit-codes.ts';
import { readText } from './io.ts';

export function directoryUrl(flag: string | undefined): string | undefined {
  return flag ?? process.env.NOISE_DIRECTORY ?? undefined;
}

function needDirectory(url: string | undefined, address: string): string {
  if (!url)
    throw new UsageError(`${address} is an address: give --directory URL (or NOISE_DIRECTORY) to look it up`);
  return url;
}

/** A `--to` value is a file when one exists at that path, else it must be an address. */
function isFile(to: string): boolean {
  return existsSync(to) || !isAddress(to);
}

export async function pgpRecipients(to: readonly string[], directory: string | undefined): Promise<string[]> {
  const keys: string[] = [];
  for (const t of to) {
    if (isFile(t)) {
      keys.push(await readText(t, 'recipient key file'));
      continue;
    }
    const client = apiClient({ baseUrl: needDirectory(directory, t) }).directory;
    const found = await client.lookupByEmail(t);
    if (!found) throw new CliError(EXIT.notFound, `no key published for ${t}`);
    keys.push(found.openpgpKey);
  }
  return keys;
}

export async function envelopeRecipients(
  to: readonly string[],
  directory: string | undefined,
): Promise<RecipientBundle[]> {
  const bundles: RecipientBundle[] = [];
  for (const t of to) {
    if (isFile(t)) {
      const text = await readText(t, 'recipient key file');
      if (!isEnvelopeKeyText(text))
        throw new CliError(EXIT.malformed, `${t}: not an envelope public key file`);
      bundles.push(readEnvelopePublicFile(text));
      continue;
    }
    const client = apiClient({ baseUrl: needDirectory(directory, t) }).directory;
    // One fetch hands out one one-time prekey (X3DH DH4) when the recipient has any left.
    const bundle = await client.fetchBundle(t);
    bundles.push(checkedBundle(bundle));
  }
  return bundles;
}
