// `noise keygen`: an OpenPGP key (v4 Ed25519/Cv25519 or RSA-3072) or an envelope identity.

import { writeFile } from 'node:fs/promises';
import { generateKey } from '../../shared/pgp/index.ts';
import { generateEnvelopeIdentity, type KdfStrength } from '../envelope-keys.ts';
import { UsageError } from '../exit-codes.ts';
import { passphrase, toJson, writeStdout } from '../io.ts';

interface KeygenArgs {
  format: string;
  email: string | undefined;
  name: string | undefined;
  type: string | undefined;
  expires: string | undefined;
  out: string | undefined;
  passphraseFile: string | undefined;
  kdf: string | undefined;
}

/** Secret files are written readable by the owner only. */
async function writeSecret(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600, flag: 'wx' });
}

export async function keygen(a: KeygenArgs): Promise<void> {
  if (!a.email) throw new UsageError('keygen needs --email ADDRESS');
  const secret = await passphrase(a.passphraseFile);
  if (a.format === 'pgp') {
    if (a.type !== undefined && a.type !== 'ecc' && a.type !== 'rsa3072')
      throw new UsageError('--type is ecc or rsa3072');
    const days = a.expires === undefined ? undefined : Number(a.expires);
    if (days !== undefined && !(Number.isInteger(days) && days > 0))
      throw new UsageError('--expires is a number of days');
    const key = await generateKey({
      userIds: [{ email: a.email, ...(a.name ? { name: a.name } : {}) }],
      passphrase: secret,
      type: (a.type ?? 'ecc') as 'ecc' | 'rsa3072',
      ...(days ? { expiresInSeconds: days * 86400 } : {}),
    });
    if (a.out === undefined) {
      await writeStdout(
        `${toJson({ format: 'pgp', fingerprint: key.fingerprint, publicKey: key.publicKey, privateKey: key.privateKey })}\n`,
      );
      return;
    }
    const files = {
      privateKey: `${a.out}.key.asc`,
      publicKey: `${a.out}.pub.asc`,
      revocation: `${a.out}.rev.asc`,
    };
    await writeSecret(files.privateKey, key.privateKey);
    await writeFile(files.publicKey, key.publicKey, { flag: 'wx' });
    await writeSecret(files.revocation, key.revocationCertificate);
    await writeStdout(`${toJson({ format: 'pgp', fingerprint: key.fingerprint, files })}\n`);
    return;
  }
  if (a.format === 'envelope') {
    if (a.kdf !== undefined && !['default', 'min', 'weak'].includes(a.kdf))
      throw new UsageError('--kdf is default, min or weak');
    const made = await generateEnvelopeIdentity(a.email, secret, (a.kdf ?? 'default') as KdfStrength);
    if (a.out === undefined) {
      await writeStdout(made.secretFile);
      return;
    }
    const files = { secretKey: `${a.out}.noise-key.json`, publicKey: `${a.out}.noise-pub.json` };
    await writeSecret(files.secretKey, made.secretFile);
    await writeFile(files.publicKey, made.publicFile, { flag: 'wx' });
    await writeStdout(`${toJson({ format: 'envelope', fingerprint: made.fingerprint, files })}\n`);
    return;
  }
  throw new UsageError('--format is pgp or envelope');
}
