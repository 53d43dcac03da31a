// C2SP tlog-cosignature v1, Ed25519 (docs/spec/transparency-v1.md §6.1): the signed message
// "cosignature/v1\ntime <t>\n" ‖ checkpoint text, signature lines carrying u64(t) ‖ signature,
// key IDs over type 0x04.

import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes, u64be, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { COSIGNATURE_HEADER } from './labels.ts';
import {
  isValidKeyName,
  type NoteVerifier,
  noteKeyId,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  signatureLine,
} from './note.ts';

const MAX_TIME = 2n ** 63n - 1n;

function message(text: string, time: number | bigint): Uint8Array {
  return utf8(`${COSIGNATURE_HEADER}\ntime ${time}\n${text}`);
}

export interface Cosigner {
  name: string;
  keyId: number;
  publicKey: Uint8Array;
  /** A signature line for the checkpoint `text`, made at `time` (Unix seconds). */
  cosign(text: string, time: number): string;
}

export function cosigner(name: string, seed: Uint8Array): Cosigner {
  if (!isValidKeyName(name)) throw new NoiseError('invalid_argument', 'name: not a valid key name');
  if (seed.length !== 32) throw new NoiseError('invalid_argument', 'seed: expected 32 bytes');
  const publicKey = ed25519.getPublicKey(seed);
  const keyId = noteKeyId(name, SIG_COSIGNATURE_V1, publicKey);
  return {
    name,
    keyId,
    publicKey,
    cosign(text, time) {
      if (!Number.isSafeInteger(time) || time <= 0)
        throw new NoiseError('invalid_argument', 'time: expected unix seconds');
      const signature = ed25519.sign(message(text, time), seed);
      return signatureLine(name, keyId, concatBytes(u64be(time), signature));
    },
  };
}

/** The timestamp of a cosignature's signature bytes (after the key ID). */
export function cosignatureTime(signature: Uint8Array): bigint {
  if (signature.length !== 72) throw new NoiseError('malformed', 'cosignature: expected 72 bytes');
  return new DataView(signature.buffer, signature.byteOffset, 8).getBigUint64(0);
}

/**
 * A NoteVerifier for an Ed25519 cosigner's vkey (type 0x04). `maxTime` (Unix seconds) refuses
 * timestamps from the future, as C2SP allows verifiers to.
 */
export function cosignatureVerifier(vkey: string, maxTime?: number): NoteVerifier {
  const k = parseVerifierKey(vkey, [SIG_COSIGNATURE_V1]);
  return {
    ...k,
    verify(text, signature) {
      if (signature.length !== 72) return false;
      const time = cosignatureTime(signature);
      if (time === 0n || time > MAX_TIME) return false;
      if (maxTime !== undefined && time > BigInt(maxTime)) return false;
      try {
        return ed25519.verify(signature.subarray(8), message(text, time), k.publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}
