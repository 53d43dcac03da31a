// Protection as it accumulates from the top of a mail down to one part: each layer passed on the
// way (an encryption, a signature, a wrapper that only claimed encryption) adds to it.

import type { SignatureVerdict } from '../pgp/verdict.ts';
import type { EncryptionLayer, Protection } from './types.ts';

export const UNPROTECTED: Readonly<Protection> = Object.freeze({
  encrypted: false,
  signatures: [],
  signatureMissing: false,
  claimsEncryption: false,
  signedTextDamaged: false,
});

interface LayerEffect {
  encrypted?: EncryptionLayer;
  /** The number of this encryption layer in reading order. */
  encryptionIndex?: number;
  signatures?: readonly SignatureVerdict[];
  signatureMissing?: boolean;
  claimsEncryption?: boolean;
  signedTextDamaged?: boolean;
  repaired?: 'exchange';
}

/** The protection inside a layer: the outer one plus what this layer did. */
export function inside(outer: Protection, effect: LayerEffect): Protection {
  const encrypted = outer.encrypted || effect.encrypted !== undefined;
  const layer = effect.encrypted ?? outer.layer;
  const repaired = effect.repaired ?? outer.repaired;
  const encryptionIndex = outer.encryptionIndex ?? effect.encryptionIndex;
  return {
    encrypted,
    ...(encrypted && layer ? { layer } : {}),
    ...(encrypted && encryptionIndex !== undefined ? { encryptionIndex } : {}),
    signatures: [...outer.signatures, ...(effect.signatures ?? [])],
    signatureMissing: outer.signatureMissing || effect.signatureMissing === true,
    claimsEncryption: outer.claimsEncryption || effect.claimsEncryption === true,
    signedTextDamaged: outer.signedTextDamaged || effect.signedTextDamaged === true,
    ...(repaired ? { repaired } : {}),
  };
}

/**
 * What covers two renderings of one part (multipart/alternative) alike: a reader may be shown
 * either, so only what protects both may be claimed, and any warning of either stands.
 */
export function common(a: Protection, b: Protection): Protection {
  const encrypted = a.encrypted && b.encrypted;
  const layer = encrypted ? (a.layer ?? b.layer) : undefined;
  const encryptionIndex =
    encrypted && a.encryptionIndex === b.encryptionIndex ? a.encryptionIndex : undefined;
  return {
    encrypted,
    ...(layer ? { layer } : {}),
    ...(encryptionIndex !== undefined ? { encryptionIndex } : {}),
    signatures: a.signatures.filter((s) => b.signatures.includes(s)),
    signatureMissing: a.signatureMissing || b.signatureMissing,
    claimsEncryption: a.claimsEncryption || b.claimsEncryption,
    signedTextDamaged: a.signedTextDamaged || b.signedTextDamaged,
    ...(a.repaired || b.repaired ? { repaired: a.repaired ?? b.repaired } : {}),
  };
}
