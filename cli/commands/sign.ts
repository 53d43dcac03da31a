// `noise sign` and `noise verify`: OpenPGP cleartext signatures (RFC 9580 §7), detached ones, and
// verifying a whole signed mail (PGP/MIME or inline) through shared/reader.

import { fromUtf8 } from '../../shared/encoding.ts';
import { signCleartext, signDetached, verifyDetached } from '../../shared/pgp/index.ts';
import { readMessage, verdictClass } from '../../shared/reader/index.ts';
import { CliError, EXIT, UsageError } from '../exit-codes.ts';
import { readInput, readText, toJson, writeStdout } from '../io.ts';
import { lazyPassphrase, loadPrivateKey, loadPublicKeys } from '../key-files.ts';
import { describeProtection, partText } from '../read-output.ts';

interface SignArgs {
  key: string | undefined;
  detached: boolean;
  binary: boolean;
  in: string | undefined;
  passphraseFile: string | undefined;
}

export async function sign(a: SignArgs): Promise<void> {
  if (a.key === undefined) throw new UsageError('sign needs --key YOUR.key.asc');
  const { key } = await loadPrivateKey(a.key, 'signing key', lazyPassphrase(a.passphraseFile));
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

interface VerifyArgs {
  with: string[];
  signature: string | undefined;
  from: string | undefined;
  in: string | undefined;
}

/**
 * Prints the verdict (and the signed text); exit 8 without a valid signature, 13 when the valid
 * signer is not the sender (--from, or the mail's From).
 */
export async function verify(a: VerifyArgs): Promise<void> {
  if (a.with.length === 0) throw new UsageError('verify needs --with SIGNER.pub.asc');
  const keys = await loadPublicKeys(a.with, 'verification key');
  const data = await readInput(a.in);
  const from = a.from ?? null;
  if (a.signature !== undefined) {
    const signature = await readText(a.signature, 'signature file');
    const verdict = await verifyDetached({ data, signature, verificationKeys: keys, from });
    await writeStdout(`${toJson(verdict)}\n`);
    return verdictExit(
      verdict.signatures.some((s) => s.status === 'valid'),
      from ? verdict.signedBySender : null,
    );
  }
  const result = await readMessage(data, { verificationKeys: keys }, { displayedSender: from });
  const signed = result.parts.filter(
    (p) => p.protection.signatures.length > 0 || p.protection.signatureMissing,
  );
  if (signed.length === 0) {
    throw new CliError(
      EXIT.malformed,
      'no signed message or block found (use --signature FILE for detached)',
    );
  }
  await writeStdout(`${toJson({ ...result.verdict, class: verdictClass(result.verdict) })}\n`);
  const texts = result.parts.map((p, i) =>
    result.parts.length > 1
      ? `--- noise: part ${i + 1} of ${result.parts.length}: ${describeProtection(p)} ---\n${partText(p)}`
      : partText(p),
  );
  await writeStdout(texts.join(''));
  const sender = from ?? result.headers.from?.address ?? null;
  verdictExit(
    result.verdict.signatures.some((s) => s.status === 'valid'),
    sender ? result.verdict.signedBySender : null,
  );
}

function verdictExit(valid: boolean, bySender: boolean | null): void {
  if (!valid) throw new CliError(EXIT.badSignature, 'no valid signature');
  if (bySender === false) throw new CliError(EXIT.signerMismatch, 'signed, but not by the sender');
}
