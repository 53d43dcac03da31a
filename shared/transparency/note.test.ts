// C2SP signed-note, tlog-checkpoint and tlog-cosignature: the published signed-note example,
// one test per MUST of docs/spec/transparency-v1.md §5.2 and §6.1, and a parser property.
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../encoding.ts';
import { isNoiseError } from '../errors.ts';
import { checkpointText, openCheckpoint, parseCheckpointText, signCheckpoint } from './checkpoint.ts';
import { cosignatureTime, cosignatureVerifier, cosigner } from './cosignature.ts';
import { EMPTY_ROOT } from './merkle.ts';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatSignerKey,
  formatVerifierKey,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  signNote,
} from './note.ts';
import vectors from './vectors/signed-note.json' with { type: 'json' };

const seed = (name: string) => sha256(utf8(name));
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isNoiseError(e) ? e.code : 'other';
  }
  return 'ok';
};

describe('C2SP signed-note', () => {
  it('verifies the published example with its verifier key', () => {
    const v = ed25519NoteVerifier(vectors.c2spExample.vkey);
    expect(v.name).toBe('example.com/foo');
    expect(openNote(vectors.c2spExample.note, [v]).text).toBe('This is an example message.\n');
  });

  it('signs like the Go note package: our signer key round-trips and its vkey verifies', () => {
    const signer = ed25519NoteSigner('example.com/log', seed('log'));
    const skey = formatSignerKey('example.com/log', seed('log'));
    expect(parseSignerKey(skey).keyId).toBe(signer.keyId);
    const vkey = formatVerifierKey(signer.name, SIG_ED25519, signer.publicKey);
    expect(parseVerifierKey(vkey).keyId).toBe(signer.keyId);
    const note = signNote('hello\n', signer);
    expect(openNote(note, [ed25519NoteVerifier(vkey)]).text).toBe('hello\n');
  });

  it('ignores unknown keys, refuses a failing known key, and a note no known key signed', () => {
    const a = ed25519NoteSigner('a.example/x', seed('a'));
    const b = ed25519NoteSigner('b.example/x', seed('b'));
    const va = ed25519NoteVerifier(formatVerifierKey(a.name, 1, a.publicKey));
    const vb = ed25519NoteVerifier(formatVerifierKey(b.name, 1, b.publicKey));
    const both = `${signNote('t\n', a)}${signNote('t\n', b).split('\n\n')[1]}`;
    expect(openNote(both, [va]).signedBy).toEqual([va]);
    expect(code(() => openNote(signNote('t\n', b), [va]))).toBe('not_for_me');
    const forged = both.replace(
      /— a\.example\/x (\S{10})/,
      (_m, s) => `— a.example/x ${s.slice(0, 9)}${s[9] === 'A' ? 'B' : 'A'}`,
    );
    expect(code(() => openNote(forged, [va, vb]))).toBe('tampered');
    // Same name, another key: its signature is not the known key's, so it is ignored.
    const impostor = ed25519NoteSigner('a.example/x', seed('impostor'));
    expect(code(() => openNote(signNote('t\n', impostor), [va]))).toBe('not_for_me');
  });

  it('refuses malformed notes: no blank line, controls, bad lines, bad names, too many signatures', () => {
    const a = ed25519NoteSigner('a.example/x', seed('a'));
    const good = signNote('t\n', a);
    expect(code(() => parseNote('t\n— a.example/x AAAA\n'))).toBe('malformed');
    expect(code(() => parseNote(good.replace('t\n', 't\u0007\n')))).toBe('malformed');
    expect(code(() => parseNote(good.replace('— ', '-- ')))).toBe('malformed');
    expect(code(() => parseNote(good.slice(0, -1)))).toBe('malformed');
    expect(code(() => signNote('no newline', a))).toBe('malformed');
    expect(code(() => ed25519NoteSigner('bad+name', seed('a')))).toBe('invalid_argument');
    const line = good.split('\n\n')[1]!;
    expect(code(() => parseNote(`t\n\n${line.repeat(33)}`))).toBe('malformed');
    expect(parseNote(`t\n\n${line.repeat(16)}`).signatures).toHaveLength(16);
  });

  it('verifier keys: the id must match, only the expected type is accepted', () => {
    const s = ed25519NoteSigner('k.example/x', seed('k'));
    const vkey = formatVerifierKey(s.name, SIG_ED25519, s.publicKey);
    expect(code(() => parseVerifierKey(vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+')))).toBe('malformed');
    expect(code(() => parseVerifierKey(vkey, [SIG_COSIGNATURE_V1]))).toBe('unsupported');
    expect(code(() => parseVerifierKey('just-a-name'))).toBe('malformed');
  });

  it('property: the parser never throws anything but a NoiseError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        for (const input of [text, `${text}\n\n— a.b/c ${text}\n`]) {
          const result = code(() => parseNote(input));
          expect(result === 'ok' || result === 'malformed').toBe(true);
        }
      }),
    );
  });
});

describe('C2SP tlog-checkpoint and tlog-cosignature', () => {
  const log = ed25519NoteSigner('example.com/log', seed('log'));
  const logKey = ed25519NoteVerifier(formatVerifierKey(log.name, SIG_ED25519, log.publicKey));
  const witness = cosigner('witness.example/w1', seed('witness'));
  const witnessKey = formatVerifierKey(witness.name, SIG_COSIGNATURE_V1, witness.publicKey);
  const cp = { origin: 'example.com/log', size: 0, root: EMPTY_ROOT };

  it('formats three lines and parses them back; refuses extension lines and bad sizes', () => {
    expect(checkpointText(cp)).toBe('example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n');
    expect(parseCheckpointText(checkpointText(cp))).toEqual(cp);
    expect(code(() => parseCheckpointText(`${checkpointText(cp)}ext\n`))).toBe('malformed');
    expect(code(() => parseCheckpointText(checkpointText(cp).replace('\n0\n', '\n01\n')))).toBe('malformed');
    expect(code(() => parseCheckpointText(checkpointText(cp).replace('\n0\n', '\n-1\n')))).toBe('malformed');
  });

  it('opens a checkpoint signed by the log key whose origin is the key name', () => {
    expect(openCheckpoint(signCheckpoint(cp, log), logKey).size).toBe(0);
    const other = ed25519NoteSigner('example.com/other', seed('log'));
    const wrongOrigin = signNote(checkpointText({ ...cp, origin: 'example.com/other' }), other);
    expect(code(() => openCheckpoint(wrongOrigin, logKey))).toBe('not_for_me');
    const misnamed = signNote(checkpointText({ ...cp, origin: 'elsewhere' }), log);
    expect(code(() => openCheckpoint(misnamed, logKey))).toBe('not_for_me');
  });

  it('cosignatures: verify with the witness key, carry their time, and satisfy a policy', () => {
    const signed = signCheckpoint(cp, log);
    const line = witness.cosign(checkpointText(cp), 1_700_000_000);
    const policy = { witnesses: [cosignatureVerifier(witnessKey)], required: 1 };
    const opened = openCheckpoint(signed + line, logKey, policy);
    expect(opened.cosignedBy).toEqual(['witness.example/w1']);
    expect(code(() => openCheckpoint(signed, logKey, policy))).toBe('not_for_me');
    const sig = parseNote(signed + line).signatures[1]!;
    expect(cosignatureTime(sig.signature)).toBe(1_700_000_000n);
    // A cosignature over another checkpoint fails, and fails the whole note.
    const otherLine = witness.cosign(
      checkpointText({ ...cp, size: 0, origin: 'example.com/log2' }),
      1_700_000_000,
    );
    expect(code(() => openCheckpoint(signed + otherLine, logKey, policy))).toBe('tampered');
    // Verifiers may refuse timestamps from the future.
    const strict = { witnesses: [cosignatureVerifier(witnessKey, 1_600_000_000)], required: 1 };
    expect(code(() => openCheckpoint(signed + line, logKey, strict))).toBe('tampered');
  });

  it('matches the OpenSSL-made checkpoint vector: same key id, same signature, opens', () => {
    const v = vectors.checkpoint;
    const signer = ed25519NoteSigner(v.name, seed(v.seedLabel));
    expect(formatVerifierKey(v.name, SIG_ED25519, signer.publicKey)).toBe(v.vkey);
    const opened = openCheckpoint(v.note, ed25519NoteVerifier(v.vkey));
    expect(opened.size).toBe(8);
    expect(signCheckpoint(opened, signer)).toBe(v.note);
  });

  it('the cosigned message is "cosignature/v1\\ntime <t>\\n" ‖ text (C2SP §Ed25519 signed message)', () => {
    const v = vectors.cosignature;
    const w = cosigner(v.name, seed(v.seedLabel));
    expect(w.cosign(v.text, v.time)).toBe(v.line);
    expect(formatVerifierKey(v.name, SIG_COSIGNATURE_V1, w.publicKey)).toBe(v.vkey);
  });
});
