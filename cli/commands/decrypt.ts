// `noise decrypt` (alias `open`): armored text, a binary message or a whole .eml.
//
// Output: one JSON line, then the plaintext.
//   {"source":"armor"|"binary"|"eml","results":[{"kind","verdict","filename"?}],"partial":bool}
// `partial` says text outside the protected blocks was present (only part of it was protected).
// Everything is checked before anything is written: on any failure no plaintext is printed.

import { writeFile } from 'node:fs/promises';
import { findArmor } from '../../shared/armor/index.ts';
import { concatBytes, utf8 } from '../../shared/encoding.ts';
import { dearmorEnvelope, openBytes, type RecipientKeys } from '../../shared/envelope/index.ts';
import { NoiseError } from '../../shared/errors.ts';
import {
  decryptMessage,
  type PrivateKey,
  parseEml,
  unlockPrivateKey,
  verifyCleartext,
} from '../../shared/pgp/index.ts';
import { isEnvelopeKeyText, openEnvelopeIdentity } from '../envelope-keys.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { passphrase, readInput, readText, toJson, writeStdout } from '../io.ts';

export interface DecryptArgs {
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
  verification: string[];
}

interface BlockResult {
  kind: string;
  verdict: unknown;
  filename?: string | null;
  plaintext: Uint8Array;
}

const ENVELOPE_MAGIC = utf8('noise.email/envelope/');

async function loadKeys(a: DecryptArgs): Promise<Keys> {
  const keys: Keys = { pgp: [], envelope: [], verification: [] };
  for (const path of a.verifyWith) keys.verification.push(await readText(path, 'verification key'));
  if (a.key.length === 0) return keys;
  const secret = await passphrase(a.passphraseFile);
  for (const path of a.key) {
    const text = await readText(path, 'key file');
    if (isEnvelopeKeyText(text)) {
      const id = await openEnvelopeIdentity(text, secret);
      keys.envelope.push({ ...id, signedPrekeys: [id.signedPrekey], oneTimePrekeys: [] });
    } else {
      const key = await unlockPrivateKey(text, secret);
      keys.pgp.push(key);
      // Our own key verifies what we signed ourselves.
      keys.verification.push(key.toPublic().armor());
    }
  }
  return keys;
}

/** Tries each of our envelope identities; 'not_for_me' from one is not final. */
async function openEnvelope(bytes: Uint8Array, keys: Keys): Promise<BlockResult> {
  if (keys.envelope.length === 0)
    throw new NoiseError('not_for_me', 'no envelope key given (--key *.noise-key.json)');
  let last: unknown;
  for (const k of keys.envelope) {
    try {
      const { plaintext, verdict } = await openBytes(bytes, k);
      return { kind: 'envelope', verdict, plaintext };
    } catch (e) {
      if (!(e instanceof NoiseError && e.code === 'not_for_me')) throw e;
      last = e;
    }
  }
  throw last;
}

async function decryptPgp(input: string | Uint8Array, keys: Keys, from: string | null): Promise<BlockResult> {
  const r = await decryptMessage(input, {
    decryptionKeys: keys.pgp,
    verificationKeys: keys.verification,
    from,
  });
  return { kind: 'pgp-message', verdict: r.verdict, filename: r.filename, plaintext: r.data };
}

/** RFC 5322 §2.2: a header section of `Name: value` lines, then a blank line. */
function looksLikeEml(text: string): boolean {
  const blank = text.search(/\r?\n\r?\n/);
  if (blank <= 0) return false;
  const head = text.slice(0, blank);
  if (!/^[\x21-\x39\x3b-\x7e]+:/.test(head)) return false;
  return /^(?:from|mime-version|content-type|message-id|subject|to|date):/im.test(head);
}

async function fromArmor(
  text: string,
  keys: Keys,
  from: string | null,
): Promise<{ results: BlockResult[]; partial: boolean }> {
  const blocks = findArmor(text).filter((b) => b.kind !== 'pgp-public-key');
  if (blocks.length === 0)
    throw new CliError(EXIT.malformed, 'no encrypted or signed block found in the input');
  const results: BlockResult[] = [];
  for (const b of blocks) {
    if (b.kind === 'envelope') results.push(await openEnvelope(dearmorEnvelope(b.armored), keys));
    else if (b.kind === 'pgp-message') results.push(await decryptPgp(b.armored, keys, from));
    else {
      const r = await verifyCleartext({ armored: b.armored, verificationKeys: keys.verification, from });
      results.push({ kind: 'pgp-signed', verdict: r.verdict, plaintext: utf8(r.text) });
    }
  }
  let outside = '';
  let at = 0;
  for (const b of blocks) {
    outside += text.slice(at, b.start);
    at = b.end;
  }
  outside += text.slice(at);
  return { results, partial: outside.trim() !== '' };
}

async function fromEml(bytes: Uint8Array, keys: Keys): Promise<{ results: BlockResult[]; partial: boolean }> {
  const mail = await parseEml(bytes, { decryptionKeys: keys.pgp, verificationKeys: keys.verification });
  const envelopes = findArmor(mail.text).filter((b) => b.kind === 'envelope');
  if (envelopes.length > 0) {
    const results: BlockResult[] = [];
    for (const b of envelopes) results.push(await openEnvelope(dearmorEnvelope(b.armored), keys));
    return { results, partial: mail.text.trim().length > envelopes.reduce((n, b) => n + b.end - b.start, 0) };
  }
  const result = {
    kind: 'eml',
    verdict: { ...mail.verdict, headers: mail.headers },
    plaintext: utf8(mail.text),
  };
  return { results: [result], partial: mail.verdict.partial.encrypted || mail.verdict.partial.signed };
}

export async function decrypt(a: DecryptArgs): Promise<void> {
  const keys = await loadKeys(a);
  const input = await readInput(a.in);
  const from = a.from ?? null;
  let source: 'armor' | 'binary' | 'eml';
  let outcome: { results: BlockResult[]; partial: boolean };
  if (startsWith(input, ENVELOPE_MAGIC)) {
    source = 'binary';
    outcome = { results: [await openEnvelope(input, keys)], partial: false };
  } else if (input.length > 0 && (input[0]! & 0x80) !== 0 && !isUtf8Text(input)) {
    source = 'binary';
    outcome = { results: [await decryptPgp(input, keys, from)], partial: false };
  } else {
    const text = new TextDecoder().decode(input);
    source = looksLikeEml(text) ? 'eml' : 'armor';
    outcome = source === 'eml' ? await fromEml(input, keys) : await fromArmor(text, keys, from);
  }
  const header = toJson({
    source,
    results: outcome.results.map(({ plaintext: _p, ...rest }) => rest),
    partial: outcome.partial,
  });
  const plaintext = concatBytes(...outcome.results.map((r) => r.plaintext));
  if (a.verdictOut !== undefined) {
    await writeFile(a.verdictOut, `${header}\n`);
    await writeStdout(plaintext);
  } else {
    await writeStdout(`${header}\n`);
    await writeStdout(plaintext);
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function isUtf8Text(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 4096), { stream: true });
    return true;
  } catch {
    return false;
  }
}
