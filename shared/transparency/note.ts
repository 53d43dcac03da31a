// C2SP signed-note (docs/spec/transparency-v1.md §5.2): key IDs, verifier keys, Go sumdb/note
// signer keys, parsing a note into its text and signature lines, signing, and verification
// with the spec's rules (unknown keys ignored, a failing known key refuses the note, at least
// one known key must verify). Ed25519 notes (type 0x01) here; cosignatures (0x04) plug in
// through the same NoteVerifier shape (cosignature.ts).

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromBase64, toBase64, toHex, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { MAX_NOTE_BYTES, MAX_NOTE_SIGNATURES } from './labels.ts';

/** Strict base64 of a text format, or NoiseError('malformed') naming `what`. */
export function base64Field(text: string, what: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    throw new NoiseError('malformed', `${what}: bad base64`);
  }
}

export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;

export interface NoteVerifier {
  name: string;
  keyId: number;
  type: number;
  publicKey: Uint8Array;
  /** Verifies the signature bytes that follow the key ID in a signature line. */
  verify(text: string, signature: Uint8Array): boolean;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The bytes after the 4-byte key ID. */
  signature: Uint8Array;
}

export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

/** C2SP signed-note: key names are non-empty, with no Unicode spaces and no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** key ID = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[0:4], big-endian. */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const h = sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey));
  return new DataView(h.buffer, h.byteOffset, 4).getUint32(0);
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** Splits at the first `count − 1` pluses: names hold none, but base64 may end with some. */
function splitPlus(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (parts.length < count - 1) {
    const at = rest.indexOf('+');
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

/** `name+hex(key ID)+base64(type ‖ public key)`. */
export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  return `${name}+${hex8(noteKeyId(name, type, publicKey))}+${toBase64(concatBytes(new Uint8Array([type]), publicKey))}`;
}

/** Parses a vkey of one of `types`; the key ID must match the name and key. */
export function parseVerifierKey(
  vkey: string,
  types: number[] = [SIG_ED25519],
): { name: string; keyId: number; type: number; publicKey: Uint8Array } {
  const parts = splitPlus(vkey.trim(), 3);
  if (parts.length !== 3) throw new NoiseError('malformed', 'verifier key: expected name+id+key');
  const [name, id, key] = parts as [string, string, string];
  if (!isValidKeyName(name) || !/^[0-9a-f]{8}$/.test(id))
    throw new NoiseError('malformed', 'verifier key: bad name or id');
  const raw = base64Field(key, 'verifier key');
  const type = raw[0] ?? -1;
  if (!types.includes(type) || raw.length !== 33)
    throw new NoiseError('unsupported', 'verifier key: unsupported type');
  const publicKey = raw.slice(1);
  const keyId = noteKeyId(name, type, publicKey);
  if (hex8(keyId) !== id) throw new NoiseError('malformed', 'verifier key: id does not match the key');
  return { name, keyId, type, publicKey };
}

/** An Ed25519 (type 0x01) note verifier from a vkey. */
export function ed25519NoteVerifier(vkey: string): NoteVerifier {
  const k = parseVerifierKey(vkey, [SIG_ED25519]);
  return {
    ...k,
    verify: (text, signature) => {
      if (signature.length !== 64) return false;
      try {
        return ed25519.verify(signature, utf8(text), k.publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

export interface NoteSigner {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  /** The signature bytes that follow the key ID. */
  sign(text: string): Uint8Array;
}

export function ed25519NoteSigner(name: string, seed: Uint8Array): NoteSigner {
  if (!isValidKeyName(name)) throw new NoiseError('invalid_argument', 'name: not a valid key name');
  if (seed.length !== 32) throw new NoiseError('invalid_argument', 'seed: expected 32 bytes');
  const publicKey = ed25519.getPublicKey(seed);
  return {
    name,
    keyId: noteKeyId(name, SIG_ED25519, publicKey),
    publicKey,
    sign: (text) => ed25519.sign(utf8(text), seed),
  };
}

/** Go sumdb/note signer key: `PRIVATE+KEY+name+hex(key ID)+base64(0x01 ‖ seed)`. */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const signer = ed25519NoteSigner(name, seed);
  return `PRIVATE+KEY+${name}+${hex8(signer.keyId)}+${toBase64(concatBytes(new Uint8Array([SIG_ED25519]), seed))}`;
}

/** The name and seed of a Go sumdb/note signer key (the seed also serves a witness's cosigner). */
export function parseSignerKeySeed(skey: string): { name: string; seed: Uint8Array } {
  const parts = splitPlus(skey.trim(), 5);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY')
    throw new NoiseError('malformed', 'signer key: expected PRIVATE+KEY+name+id+key');
  const [, , name, id, key] = parts as [string, string, string, string, string];
  const raw = base64Field(key, 'signer key');
  if (raw.length !== 33 || raw[0] !== SIG_ED25519)
    throw new NoiseError('unsupported', 'signer key: not Ed25519');
  const seed = raw.slice(1);
  if (hex8(ed25519NoteSigner(name, seed).keyId) !== id)
    throw new NoiseError('malformed', 'signer key: id does not match the key');
  return { name, seed };
}

export function parseSignerKey(skey: string): NoteSigner {
  const { name, seed } = parseSignerKeySeed(skey);
  return ed25519NoteSigner(name, seed);
}

export function signatureLine(name: string, keyId: number, signature: Uint8Array): string {
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, keyId);
  return `— ${name} ${toBase64(concatBytes(id, signature))}\n`;
}

/** A note text signed by `signer`: text ‖ "\n" ‖ signature line. */
export function signNote(text: string, signer: NoteSigner): string {
  assertText(text);
  return `${text}\n${signatureLine(signer.name, signer.keyId, signer.sign(text))}`;
}

function assertText(text: string): void {
  if (!text.endsWith('\n')) throw new NoiseError('malformed', 'note: text must end in a newline');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: C2SP forbids controls other than newline
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoiseError('malformed', 'note: control character');
}

const LINE = /^— (\S+) ([A-Za-z0-9+/]+=*)$/u;

/** Splits a note at its last blank line into the text and the signature lines (C2SP format). */
export function parseNote(note: string): ParsedNote {
  if (utf8(note).length > MAX_NOTE_BYTES) throw new NoiseError('malformed', 'note: too large');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoiseError('malformed', 'note: no signature block');
  const text = note.slice(0, split + 1);
  assertText(text);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw new NoiseError('malformed', 'note: too many signatures');
  const signatures = lines.map((line): NoteSignature => {
    const m = LINE.exec(line);
    if (!m || !isValidKeyName(m[1]!)) throw new NoiseError('malformed', 'note: bad signature line');
    const raw = base64Field(m[2]!, 'note signature');
    if (raw.length < 5) throw new NoiseError('malformed', 'note: signature too short');
    return {
      name: m[1]!,
      keyId: new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0),
      signature: raw.slice(4),
    };
  });
  return { text, signatures };
}

/**
 * C2SP signed-note verification: signatures from unknown (name, key ID) pairs are ignored; a
 * known key whose signature fails makes the whole note `tampered`; no known key at all is
 * `not_for_me`. Returns the text and the verifiers that signed it.
 */
export function openNote(
  note: string,
  verifiers: NoteVerifier[],
): { text: string; signedBy: NoteVerifier[] } {
  const parsed = parseNote(note);
  const signedBy: NoteVerifier[] = [];
  for (const sig of parsed.signatures) {
    const v = verifiers.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (!v) continue;
    if (!v.verify(parsed.text, sig.signature))
      throw new NoiseError('tampered', `note: signature by ${v.name} fails`);
    if (!signedBy.includes(v)) signedBy.push(v);
  }
  if (signedBy.length === 0) throw new NoiseError('not_for_me', 'note: signed by no known key');
  return { text: parsed.text, signedBy };
}

/** Lowercase hex SHA-256 of a log origin (tlog-witness monitoring paths). */
export function originHash(origin: string): string {
  return toHex(sha256(utf8(origin)));
}
