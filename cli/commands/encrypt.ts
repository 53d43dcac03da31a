// `noise encrypt`: OpenPGP (encrypted and signed, to the recipients and the sender) or an envelope.

import { armorStream, seal } from '../../shared/envelope/index.ts';
import { encryptMessage, unlockPrivateKey } from '../../shared/pgp/index.ts';
import { isEnvelopeKeyText, openEnvelopeIdentity } from '../envelope-keys.ts';
import { CliError, EXIT, UsageError } from '../exit-codes.ts';
import { passphrase, readInput, readText, writeStdout } from '../io.ts';
import { directoryUrl, envelopeRecipients, pgpRecipients } from '../recipients.ts';

interface EncryptArgs {
  format: string | undefined;
  to: string[];
  signWith: string | undefined;
  binary: boolean;
  in: string | undefined;
  directory: string | undefined;
  passphraseFile: string | undefined;
}

export async function encrypt(a: EncryptArgs): Promise<void> {
  const format = a.format ?? 'pgp';
  if (format !== 'pgp' && format !== 'envelope') throw new UsageError('--format is pgp or envelope');
  if (a.to.length === 0) throw new UsageError('encrypt needs at least one --to KEYFILE|ADDRESS');
  const directory = directoryUrl(a.directory);
  if (format === 'pgp') {
    const recipients = await pgpRecipients(a.to, directory);
    const signingKey =
      a.signWith === undefined
        ? undefined
        : await unlockPrivateKey(
            await readText(a.signWith, 'signing key'),
            await passphrase(a.passphraseFile),
          );
    const data = await readInput(a.in);
    const options = { recipients, ...(signingKey ? { signingKey } : {}) };
    await writeStdout(
      a.binary
        ? await encryptMessage(data, { ...options, armor: false })
        : await encryptMessage(data, options),
    );
    return;
  }
  // The envelope is always signed by its sender (spec §8.1): the sender's identity is required.
  if (a.signWith === undefined) throw new UsageError('an envelope needs --sign-with YOUR.noise-key.json');
  const keyText = await readText(a.signWith, 'signing key');
  if (!isEnvelopeKeyText(keyText))
    throw new CliError(EXIT.malformed, `${a.signWith}: not an envelope key file`);
  const recipients = await envelopeRecipients(a.to, directory);
  const me = await openEnvelopeIdentity(keyText, await passphrase(a.passphraseFile));
  const data = await readInput(a.in);
  const sealed = await seal([data], { ...me }, recipients);
  const out = a.binary ? sealed : sealed.pipeThrough(armorStream()).pipeThrough(new TextEncoderStream());
  for await (const chunk of out as unknown as AsyncIterable<Uint8Array>) await writeStdout(chunk);
}
