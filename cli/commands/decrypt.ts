// `noise decrypt` (alias `open`): a whole .eml or mbox, armored text, a binary OpenPGP message or
// an envelope, read by shared/reader (the same reader as the extension's read frame).
//
// Output: one JSON line, then the text.
//   {"source","class","verdict","headers","protectedHeaders"?,"parts":[…],"attachments":[…],"partial"}
// `class` is the one-line verdict every surface shows (docs/verdicts.md). When the mail has more
// than one part, each part's text is preceded by a marker line saying what protects it:
//   --- noise: part 2 of 3: encrypted, signed by Alice <alice@example.org> (valid) ---
// HTML parts are printed as text (html-to-text). A lone binary file (gpg -e file) is written as
// its bytes. Everything is checked before anything is written: on any failure nothing is printed.

import { writeFile } from 'node:fs/promises';
import { utf8 } from '../../shared/encoding.ts';
import type { RecipientKeys } from '../../shared/envelope/index.ts';
import type { PrivateKey, PublicKey } from '../../shared/pgp/index.ts';
import { type ReadResult, readMessage, verdictClass } from '../../shared/reader/index.ts';
import { isEnvelopeKeyText, openEnvelopeIdentity } from '../envelope-keys.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { readInput, toJson, writeStdout } from '../io.ts';
import { lazyPassphrase, loadPrivateKey, loadPublicKeys, readKeyText } from '../key-files.ts';
import { describeProtection, partText } from '../read-output.ts';

interface DecryptArgs {
  key: string[];
  verifyWith: string[];
  from: string | undefined;
  in: string | undefined;
  verdictOut: string | undefined;
  passphraseFile: string | undefined;
}

interface Keys {
  pgp: PrivateKey[];
  envelope: RecipientKeys[];
  verification: PublicKey[];
}

async function loadKeys(a: DecryptArgs): Promise<Keys> {
  const keys: Keys = {
    pgp: [],
    envelope: [],
    verification: await loadPublicKeys(a.verifyWith, 'verification key'),
  };
  const secret = lazyPassphrase(a.passphraseFile);
  for (const path of a.key) {
    const text = await readKeyText(path, 'key file');
    if (isEnvelopeKeyText(text)) {
      const id = await openEnvelopeIdentity(text, await secret());
      keys.envelope.push({ ...id, signedPrekeys: [id.signedPrekey], oneTimePrekeys: [] });
    } else {
      const { key } = await loadPrivateKey(path, 'key file', secret);
      keys.pgp.push(key);
      // Our own key verifies what we signed ourselves.
      keys.verification.push(key.toPublic());
    }
  }
  return keys;
}

/** The JSON line: everything but the text and the attachment bytes. */
function header(r: ReadResult): string {
  return toJson({
    source: r.source,
    class: verdictClass(r.verdict),
    verdict: r.verdict,
    headers: r.headers,
    ...(r.protectedHeaders ? { protectedHeaders: r.protectedHeaders } : {}),
    parts: r.parts.map((p, index) => ({
      index,
      type: p.html !== undefined ? 'html' : 'text',
      protection: p.protection,
      hasRemoteContent: p.hasRemoteContent,
      hasActiveContent: p.hasActiveContent,
      ...(p.forwarded ? { forwarded: p.forwarded } : {}),
      ...(p.quoteDepth ? { quoteDepth: p.quoteDepth } : {}),
    })),
    attachments: r.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.data.length,
      protection: a.protection,
      ...(a.forwarded ? { forwarded: a.forwarded } : {}),
    })),
    partial: r.verdict.partial.encrypted || r.verdict.partial.signed,
    ...(r.envelopes.length > 0 ? { envelopes: r.envelopes } : {}),
  });
}

/** The text to print: each part, with a marker line before it when there is more than one. */
function body(r: ReadResult): Uint8Array | string {
  // A decrypted file and nothing else (gpg -e file.pdf): its bytes, as gpg writes them.
  if (r.parts.length === 0 && r.attachments.length === 1 && r.source !== 'eml' && r.source !== 'mbox') {
    return r.attachments[0]!.data;
  }
  if (r.parts.length <= 1) return r.parts[0] ? partText(r.parts[0]) : '';
  return r.parts
    .map((p, i) => {
      const text = partText(p);
      const marker = `--- noise: part ${i + 1} of ${r.parts.length}: ${describeProtection(p)} ---\n`;
      return `${marker}${text}${text.endsWith('\n') ? '' : '\n'}`;
    })
    .join('');
}

export async function decrypt(a: DecryptArgs): Promise<void> {
  const keys = await loadKeys(a);
  const input = await readInput(a.in);
  const result = await readMessage(
    input,
    {
      decryptionKeys: keys.pgp,
      verificationKeys: keys.verification,
      envelope: async () => ({ recipients: keys.envelope }),
    },
    { displayedSender: a.from ?? null },
  );
  const protectedAny = [...result.parts, ...result.attachments].some(
    (p) => p.protection.encrypted || p.protection.signatures.length > 0 || p.protection.claimsEncryption,
  );
  if (result.source === 'armor' && !protectedAny) {
    throw new CliError(EXIT.malformed, 'no encrypted or signed block found in the input');
  }
  const line = `${header(result)}\n`;
  const text = body(result);
  for (const w of result.verdict.warnings) process.stderr.write(`noise: warning: ${w.code}\n`);
  if (a.verdictOut !== undefined) await writeFile(a.verdictOut, line);
  else await writeStdout(line);
  await writeStdout(typeof text === 'string' ? utf8(text) : text);
}
