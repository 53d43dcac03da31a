// `noise sign` and `noise verify`: OpenPGP cleartext signatures (RFC 9580 §7) and detached ones.

import { findArmor } from '../../shared/armor/index.ts';
import { fromUtf8 } from '../../shared/encoding.ts';
import type { BaseVerdict } from '../../shared/pgp/index.ts';
import {
  signCleartext,
  signDetached,
  unlockPrivateKey,
  verifyCleartext,
  verifyDetached,
} from '../../shared/pgp/index.ts';
import { CliError, EXIT, UsageError } from '../exit-codes.ts';
import { passphrase, readInput, readText, toJson, writeStdout } from '../io.ts';

export interface SignArgs {
  key: string | undefined;
  detached: boolean;
  binary: boolean;
  in: string | undefined;
  passphraseFile: string | undefined;
}

export async function sign(a: SignArgs): Promise<void> {
  if (a.key === undefined) throw new UsageError('sign needs --key YOUR.key.asc');
  const key = await unlockPrivateKey(
    await readText(a.key, 'signing key'),
    await passphrase(a.passphraseFile),
  );
  const data = await readInput(a.in);
  if (a.detached) {
    // Binary mode signs the bytes exactly; text mode (default) signs canonical line endings.
    const { signature } = await signDetached(a.binary ? data : decodeText(data), key, {
      textMode: !a.binary,
    });
    await writeStdout(signature);
    return;
  }
  if (a.binary) throw new UsageError('--binary applies to --detached signatures only');
  await writeStdout(await signCleartext(decodeText(data), key));
}

function decodeText(data: Uint8Array): string {
  try {
    return fromUtf8(data);
  } catch {
    throw new CliError(EXIT.malformed, 'the input is not UTF-8 text: use --detached --binary');
  }
}

export interface VerifyArgs {
  with: string[];
  signature: string | undefined;
  from: string | undefined;
  in: string | undefined;
}

/** Prints the verdict (and for a cleartext signature the signed text); exit 8 without a valid signature. */
export async function verify(a: VerifyArgs): Promise<void> {
  if (a.with.length === 0) throw new UsageError('verify needs --with SIGNER.pub.asc');
  const keys: string[] = [];
  for (const path of a.with) keys.push(await readText(path, 'verification key'));
  const data = await readInput(a.in);
  const from = a.from ?? null;
  let verdict: BaseVerdict;
  let text: string | undefined;
  if (a.signature !== undefined) {
    const signature = await readText(a.signature, 'signature file');
    verdict = await verifyDetached({ data, signature, verificationKeys: keys, from });
  } else {
    const block = findArmor(new TextDecoder().decode(data)).find((b) => b.kind === 'pgp-signed');
    if (!block)
      throw new CliError(
        EXIT.malformed,
        'no cleartext-signed block found (use --signature FILE for detached)',
      );
    const r = await verifyCleartext({ armored: block.armored, verificationKeys: keys, from });
    verdict = r.verdict;
    text = r.text;
  }
  await writeStdout(`${toJson(verdict)}\n`);
  if (text !== undefined) await writeStdout(text);
  if (!verdict.signatures.some((s) => s.status === 'valid')) {
    throw new CliError(EXIT.badSignature, 'no valid signature');
  }
}
