// The proof bundle for an address (docs/spec/transparency-v1.md §8), built from the stored log
// for a lookup to attach. Pure reading: the latest checkpoint, the VRF proof, the address's
// latest key leaf and latest envelope leaf within that checkpoint, their inclusion proofs, and a
// consistency proof from the size the client last verified.
//
// A change made since the latest checkpoint is not in it yet; `pending` then tells the caller
// that the served key may not match the bundle's leaf, and `names` whether the bundle's leaves
// name exactly the fingerprints served (served-proof.ts waits for a covering checkpoint or reads
// again until they do).

import type { ProofBundle } from '../../../shared/api/transparency.ts';
import { equalBytes } from '../../../shared/encoding.ts';
import {
  buildProofBundle,
  commitFingerprint,
  decodeLeaf,
  FINGERPRINT_KIND,
  type FingerprintKind,
  KEY_BINDING_EVENTS,
  type LeafEvent,
  proveAddress,
} from '../../../shared/transparency/index.ts';
import { cosignatureLines } from './checkpoints-table.ts';
import { type LogEnv, logKeys } from './log-keys.ts';
import { currentCheckpoint } from './sequencer.ts';
import { consistencyProof, inclusionProof } from './tree-store.ts';

interface IndexedLeaf {
  index: number;
  leaf: Uint8Array;
  event: LeafEvent;
  fingerprint: Uint8Array | null;
}

/** What an answer serves for the address, as binary fingerprints. */
export interface ServedFingerprints {
  openpgp: Uint8Array;
  /** The envelope identity's fingerprint, or null when none is served. */
  envelope: Uint8Array | null;
}

export interface AddressProof {
  /** Null when no leaf for the address is within the latest checkpoint yet. */
  bundle: ProofBundle | null;
  /** Leaves for the address wait beyond the latest checkpoint. */
  pending: boolean;
  /** The bundle's leaves name exactly `served` (true when nothing was given to compare). */
  names: boolean;
}

/**
 * VRF proofs by address, per isolate: ECVRF is deterministic (RFC 9381 §5.1), so a kept proof is
 * the proof, and proving costs about 13 ms of CPU (workerd) on every lookup that misses the cache.
 */
const proofs = {
  secret: null as Uint8Array | null,
  byAddress: new Map<string, ReturnType<typeof proveAddress>>(),
};
const PROOFS_KEPT = 2000;

function addressProof(vrfSecret: Uint8Array, address: string): ReturnType<typeof proveAddress> {
  if (proofs.secret !== vrfSecret) {
    proofs.secret = vrfSecret;
    proofs.byAddress.clear();
  }
  let p = proofs.byAddress.get(address);
  if (!p) {
    if (proofs.byAddress.size >= PROOFS_KEPT) proofs.byAddress.delete(proofs.byAddress.keys().next().value!);
    p = proveAddress(vrfSecret, address);
    proofs.byAddress.set(address, p);
  }
  return p;
}

async function leavesOfLabel(db: D1Database, label: Uint8Array): Promise<IndexedLeaf[]> {
  const { results } = await db
    .prepare('SELECT idx, leaf FROM transparency_leaves WHERE label = ?1 ORDER BY idx')
    .bind(label)
    .all<{ idx: number; leaf: ArrayBuffer | number[] }>();
  return results.map((r) => {
    const leaf = new Uint8Array(r.leaf);
    const { event, fingerprint } = decodeLeaf(leaf);
    return { index: r.idx, leaf, event, fingerprint };
  });
}

/** The latest leaf of `events` after the address was last released, if any. */
function latest(leaves: IndexedLeaf[], events: readonly LeafEvent[]): IndexedLeaf | undefined {
  let found: IndexedLeaf | undefined;
  for (const l of leaves) {
    if (l.event === 'address_released') found = undefined;
    else if (events.includes(l.event)) found = l;
  }
  return found;
}

export async function proofBundleFor(
  env: LogEnv & { DB: D1Database },
  address: string,
  knownSize?: number,
  served?: ServedFingerprints,
): Promise<AddressProof | null> {
  const db = env.DB;
  const { label, commitmentKey, proof: vrfProof } = addressProof(logKeys(env).vrfSecret, address);
  // The leaves first: a leaf appended between the two reads then counts as pending, never lost.
  const all = await leavesOfLabel(db, label);
  const { checkpoint } = await currentCheckpoint(env);
  if (all.length === 0) return null;
  const covered = all.filter((l) => l.index < checkpoint.size);
  const pending = all.length > covered.length;
  const key = latest(covered, KEY_BINDING_EVENTS);
  if (!key) return { bundle: null, pending, names: false };
  const envelope = latest(covered, ['envelope_identity_published']);
  const named = (l: IndexedLeaf | undefined, kind: FingerprintKind, fp: Uint8Array) =>
    !!l?.fingerprint && equalBytes(l.fingerprint, commitFingerprint(commitmentKey, kind, fp));
  const names =
    !served ||
    (named(key, FINGERPRINT_KIND.openpgp, served.openpgp) &&
      (served.envelope === null || named(envelope, FINGERPRINT_KIND.envelope, served.envelope)));
  const proven = async (l: IndexedLeaf) => ({
    index: l.index,
    leaf: l.leaf,
    proof: await inclusionProof(db, l.index, checkpoint.size),
  });
  const from =
    knownSize !== undefined && knownSize > 0 && knownSize < checkpoint.size ? knownSize : undefined;
  const [cosignatures, keyLeaf, envelopeLeaf, consistency] = await Promise.all([
    cosignatureLines(db, checkpoint.size),
    proven(key),
    envelope && proven(envelope),
    from !== undefined && consistencyProof(db, from, checkpoint.size),
  ]);
  const bundle = buildProofBundle({
    checkpoint: checkpoint.note + cosignatures.join(''),
    vrfProof,
    key: keyLeaf,
    ...(envelopeLeaf ? { envelope: envelopeLeaf } : {}),
    ...(consistency && from !== undefined ? { consistency: { from, proof: consistency } } : {}),
  });
  return { bundle, pending, names };
}
