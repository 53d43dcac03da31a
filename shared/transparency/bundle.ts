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

/** §9.1: verifies a bundle for the keys a lookup served. Throws NoiseError (see the header). */
export function verifyProofBundle(json: unknown, served: ServedKeys, trusted: TrustedLog): VerifiedBundle {
  const parsed = ProofBundle.safeParse(json);
  if (!parsed.success) throw new NoiseError('malformed', 'transparency: malformed proof bundle');
  const bundle = parsed.data;
  const checkpoint = openCheckpoint(bundle.checkpoint, trusted.logKey, trusted.policy); // step 1
  const known = trusted.known;
  if (known && known.size > 0) {
    // step 2
    if (checkpoint.size < known.size)
      throw new NoiseError('not_for_me', 'transparency: checkpoint older than one seen');
    const proof = checkpoint.size === known.size ? [] : bundle.consistency?.proof.map(fromBase64Url);
    if (checkpoint.size > known.size && bundle.consistency?.from !== known.size)
      throw new NoiseError('not_for_me', 'transparency: no consistency proof from the checkpoint seen');
    if (!proof || !verifyConsistency(known.size, checkpoint.size, proof, known.root, checkpoint.root))
      throw new NoiseError('tampered', 'transparency: checkpoint inconsistent with the one seen');
  }
  const label = verifyAddressProof(trusted.vrfKey, served.address, fromBase64Url(bundle.vrfProof)); // step 3
  if (!label) throw new NoiseError('tampered', 'transparency: the VRF proof fails for this address');
  const key = checkLeaf(bundle.key, checkpoint, label, served.openpgp, KEY_BINDING_EVENTS); // step 4
  if (served.envelope === undefined) return { checkpoint, key };
  if (!bundle.envelope)
    throw new NoiseError('tampered', 'transparency: envelope identity served without a leaf');
  const envelope = checkLeaf(bundle.envelope, checkpoint, label, served.envelope, [
    'envelope_identity_published',
  ]);
  return { checkpoint, key, envelope };
}
