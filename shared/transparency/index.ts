// Key transparency (docs/spec/transparency-v1.md): what the Worker, the extension and the CLI
// use. The tree internals (ranges, frontier) are exported for the Worker's stored tree.

export {
  type AddressLabel,
  canonicalAddress,
  commitFingerprint,
  FINGERPRINT_KIND,
  type FingerprintKind,
  labelOfAddress,
  openpgpFingerprintBytes,
  proveAddress,
  verifyAddressProof,
} from './address-label.ts';
export { type AuditReport, LogAuditor } from './audit.ts';
export {
  buildProofBundle,
  checkpointExtends,
  type ProofBundleParts,
  parseProofBundle,
  type ServedKeys,
  type TrustedLog,
  type VerifiedBundle,
  verifyBundleLeaves,
  verifyProofBundle,
} from './bundle.ts';
export {
  type Checkpoint,
  checkpointText,
  type OpenedCheckpoint,
  openCheckpoint,
  parseCheckpointText,
  signCheckpoint,
  type WitnessPolicy,
} from './checkpoint.ts';
export { type Cosigner, cosignatureTime, cosignatureVerifier, cosigner } from './cosignature.ts';
export { type DirectoryEvent, leafForEvent } from './event-leaf.ts';
export {
  CHECKPOINT_INTERVAL_MS,
  COSIGNATURE_HEADER,
  LABEL_COMMITMENT,
  LABEL_VRF_INPUT,
  LABEL_VRF_KEY_NOTE,
  LEAF_VERSION,
  MAX_LEAVES_PER_PAGE,
} from './labels.ts';
export {
  decodeLeaf,
  encodeLeaf,
  fingerprintKindOf,
  KEY_BINDING_EVENTS,
  LEAF_BYTES,
  LEAF_EVENTS,
  type Leaf,
  type LeafEvent,
} from './leaf.ts';
export { MemoryTree } from './memory-tree.ts';
export {
  completeSubtrees,
  EMPTY_ROOT,
  Frontier,
  foldSubtrees,
  HASH_BYTES,
  type LeafRange,
  leafHash,
  type NodeId,
  nodeHash,
  rootOf,
} from './merkle.ts';
export {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatSignerKey,
  formatVerifierKey,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  openNote,
  originHash,
  parseNote,
  parseSignerKey,
  parseSignerKeySeed,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  signNote,
} from './note.ts';
export { consistencyRanges, inclusionRanges, verifyConsistency, verifyInclusion } from './proofs.ts';
export {
  VRF_OUTPUT_BYTES,
  VRF_PROOF_BYTES,
  vrfOutput,
  vrfProofToHash,
  vrfProve,
  vrfPublicKey,
  vrfVerify,
} from './vrf.ts';
export { openVrfKeyNote, signVrfKeyNote } from './vrf-key-note.ts';
export { LeafWatcher, type WatchedAddress, type WatchFinding } from './watch.ts';
export {
  type AddCheckpointRequest,
  addCheckpoint,
  formatAddCheckpoint,
  parseAddCheckpoint,
  type WitnessAnswer,
  type WitnessRecord,
  type WitnessState,
} from './witness.ts';
