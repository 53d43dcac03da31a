// The proof bundle of a lookup (docs/spec/transparency-v1.md §8, §9.1): assembling one from its
// parts, and the client's verification. Errors keep the kinds apart: `malformed` (cannot be
// parsed), `not_for_me` (not checkable against what the client trusts or knows: another log key,
// a checkpoint older than one already seen, too few witnesses), `tampered` (a proof, a label or
// a commitment does not match: the directory served something it did not log).

import { ProofBundle } from '../api/transparency.ts';
import { equalBytes, fromBase64Url, toBase64Url } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { type AddressLabel, commitFingerprint, verifyAddressProof } from './address-label.ts';
import { type OpenedCheckpoint, openCheckpoint, type WitnessPolicy } from './checkpoint.ts';
import { decodeLeaf, fingerprintKindOf, KEY_BINDING_EVENTS, type Leaf } from './leaf.ts';
import { leafHash } from './merkle.ts';
import type { NoteVerifier } from './note.ts';
import { verifyConsistency, verifyInclusion } from './proofs.ts';

export interface ProvenLeafParts {
  index: number;
  leaf: Uint8Array;
  proof: Uint8Array[];
}

export interface ProofBundleParts {
  checkpoint: string;
  vrfProof: Uint8Array;
  key: ProvenLeafParts;
  envelope?: ProvenLeafParts;
  consistency?: { from: number; proof: Uint8Array[] };
}

const provenLeaf = (p: ProvenLeafParts) => ({
  index: p.index,
  leaf: toBase64Url(p.leaf),
  proof: p.proof.map(toBase64Url),
});

export function buildProofBundle(parts: ProofBundleParts): ProofBundle {
  return {
    checkpoint: parts.checkpoint,
    vrfProof: toBase64Url(parts.vrfProof),
    key: provenLeaf(parts.key),
    ...(parts.envelope ? { envelope: provenLeaf(parts.envelope) } : {}),
    ...(parts.consistency
      ? { consistency: { from: parts.consistency.from, proof: parts.consistency.proof.map(toBase64Url) } }
      : {}),
  };
}

export interface TrustedLog {
  logKey: NoteVerifier;
  vrfKey: Uint8Array;
  policy?: WitnessPolicy;
  /** The client's last verified checkpoint, if any. */
  known?: { size: number; root: Uint8Array };
}

export interface ServedKeys {
  address: string;
  /** The OpenPGP fingerprint served, as binary. */
  openpgp: Uint8Array;
  /** The envelope identity fingerprint served, if any. */
  envelope?: Uint8Array;
}

export interface VerifiedBundle {
  checkpoint: OpenedCheckpoint;
  key: { index: number; leaf: Leaf };
  envelope?: { index: number; leaf: Leaf };
}

function checkLeaf(
  proven: { index: number; leaf: string; proof: string[] },
  checkpoint: OpenedCheckpoint,
  label: AddressLabel,
  fingerprint: Uint8Array,
  allowed: readonly Leaf['event'][],
): { index: number; leaf: Leaf } {
  const bytes = fromBase64Url(proven.leaf);
  const leaf = decodeLeaf(bytes);
  const tampered = (what: string) => new NoiseError('tampered', `transparency: ${what}`);
  if (!allowed.includes(leaf.event)) throw tampered('the leaf does not bind a key');
  if (!equalBytes(leaf.label, label.label)) throw tampered('the leaf is for another address');
  const expected = commitFingerprint(label.commitmentKey, fingerprintKindOf(leaf.event), fingerprint);
  if (!leaf.fingerprint || !equalBytes(leaf.fingerprint, expected))
    throw tampered('the leaf names another key');
  const proof = proven.proof.map(fromBase64Url);
  if (!verifyInclusion(leafHash(bytes), proven.index, checkpoint.size, proof, checkpoint.root))
    throw tampered('the inclusion proof fails');
  return { index: proven.index, leaf };
}

/** The `transparency` member of an answer, parsed (NoiseError `malformed` otherwise). */
export function parseProofBundle(json: unknown): ProofBundle {
  const parsed = ProofBundle.safeParse(json);
  if (!parsed.success) throw new NoiseError('malformed', 'transparency: malformed proof bundle');
  return parsed.data;
}

/**
 * §9.1 step 2: whether the tree `newer` extends `older` by `proof` (RFC 9162 §2.1.4.2). At equal
 * sizes the proof must be empty and the roots equal.
 */
export function checkpointExtends(
  older: { size: number; root: Uint8Array },
  newer: { size: number; root: Uint8Array },
  proof: Uint8Array[],
): boolean {
  if (older.size > newer.size) return false;
  if (older.size === newer.size) return proof.length === 0 && equalBytes(older.root, newer.root);
  return verifyConsistency(older.size, newer.size, proof, older.root, newer.root);
}

/** §9.1 steps 3–4 against an already verified checkpoint. Throws NoiseError `tampered`. */
export function verifyBundleLeaves(
  bundle: ProofBundle,
  checkpoint: OpenedCheckpoint,
  served: ServedKeys,
  vrfKey: Uint8Array,
): Omit<VerifiedBundle, 'checkpoint'> {
  const label = verifyAddressProof(vrfKey, served.address, fromBase64Url(bundle.vrfProof)); // step 3
  if (!label) throw new NoiseError('tampered', 'transparency: the VRF proof fails for this address');
  const key = checkLeaf(bundle.key, checkpoint, label, served.openpgp, KEY_BINDING_EVENTS); // step 4
  if (served.envelope === undefined) return { key };
  if (!bundle.envelope)
    throw new NoiseError('tampered', 'transparency: envelope identity served without a leaf');
  const envelope = checkLeaf(bundle.envelope, checkpoint, label, served.envelope, [
    'envelope_identity_published',
  ]);
  return { key, envelope };
}

/** §9.1: verifies a bundle for the keys a lookup served. Throws NoiseError (see the header). */
export function verifyProofBundle(json: unknown, served: ServedKeys, trusted: TrustedLog): VerifiedBundle {
  const bundle = parseProofBundle(json);
  const checkpoint = openCheckpoint(bundle.checkpoint, trusted.logKey, trusted.policy); // step 1
  const known = trusted.known;
  if (known && known.size > 0) {
    // step 2, for a client whose checkpoint the answer must extend
    if (checkpoint.size < known.size)
      throw new NoiseError('not_for_me', 'transparency: checkpoint older than one seen');
    if (checkpoint.size > known.size && bundle.consistency?.from !== known.size)
      throw new NoiseError('not_for_me', 'transparency: no consistency proof from the checkpoint seen');
    const proof = checkpoint.size === known.size ? [] : (bundle.consistency?.proof ?? []).map(fromBase64Url);
    if (!checkpointExtends(known, checkpoint, proof))
      throw new NoiseError('tampered', 'transparency: checkpoint inconsistent with the one seen');
  }
  return { checkpoint, ...verifyBundleLeaves(bundle, checkpoint, served, trusted.vrfKey) };
}
