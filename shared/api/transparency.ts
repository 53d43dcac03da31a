// Response schemas of the transparency log routes (docs/spec/transparency-v1.md §7–8). Byte
// fields are base64url without padding; objects are strict. Text routes (checkpoint, key,
// vrf-key) are text/plain and parsed by shared/transparency/.
//
//   GET /api/v1/log/checkpoint                        text/plain checkpoint (signed note)
//   GET /api/v1/log/key                               text/plain verifier key
//   GET /api/v1/log/vrf-key                           text/plain signed note with the VRF key
//   GET /api/v1/log/leaves?start=S&end=E              → LeavesResponse
//   GET /api/v1/log/proof/inclusion?index=I&size=N    → InclusionProofResponse
//   GET /api/v1/log/proof/consistency?from=M&to=N     → ConsistencyProofResponse
//   GET /api/v1/log/label?address=A                   → LabelResponse

import { z } from 'zod';
import { MAX_LEAVES_PER_PAGE } from '../transparency/labels.ts';
import { LEAF_BYTES } from '../transparency/leaf.ts';
import { HASH_BYTES } from '../transparency/merkle.ts';
import { VRF_PROOF_BYTES } from '../transparency/vrf.ts';
import { Address, b64uBytes } from './fields.ts';

const Size = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Hash = b64uBytes(HASH_BYTES);
export const LeafBytes = b64uBytes(LEAF_BYTES);
export const VrfProof = b64uBytes(VRF_PROOF_BYTES);
/** RFC 9162 proofs of a tree below 2^63 leaves have at most 63 (inclusion) or 64 hashes. */
const Proof = z.array(Hash).max(64);

export const LeavesResponse = z.strictObject({
  start: Size,
  leaves: z.array(LeafBytes).max(MAX_LEAVES_PER_PAGE),
});
export type LeavesResponse = z.infer<typeof LeavesResponse>;

export const InclusionProofResponse = z.strictObject({ index: Size, size: Size, proof: Proof });
export type InclusionProofResponse = z.infer<typeof InclusionProofResponse>;

export const ConsistencyProofResponse = z.strictObject({ from: Size, to: Size, proof: Proof });
export type ConsistencyProofResponse = z.infer<typeof ConsistencyProofResponse>;

export const LabelResponse = z.strictObject({ address: Address, vrfProof: VrfProof });
export type LabelResponse = z.infer<typeof LabelResponse>;

/** §8: one leaf with its inclusion proof against the bundle's checkpoint. */
export const ProvenLeaf = z.strictObject({ index: Size, leaf: LeafBytes, proof: Proof });

/** §8 the `transparency` member of a lookup or prekey bundle answer. */
export const ProofBundle = z.strictObject({
  checkpoint: z
    .string()
    .min(1)
    .max(16 * 1024),
  vrfProof: VrfProof,
  key: ProvenLeaf,
  envelope: ProvenLeaf.optional(),
  consistency: z.strictObject({ from: Size, proof: Proof }).optional(),
});
export type ProofBundle = z.infer<typeof ProofBundle>;
