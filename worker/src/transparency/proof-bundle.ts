// The proof bundle for an address (docs/spec/transparency-v1.md §8), built from the stored log
// for a lookup to attach. Pure reading: the latest checkpoint, the VRF proof, the address's
// latest key leaf and latest envelope leaf within that checkpoint, their inclusion proofs, and a
// consistency proof from the size the client last verified.
//
// A change made since the latest checkpoint is not in it yet; `pending` then tells the caller
// that the served key may not match the bundle's leaf (sign a newer checkpoint once the interval
// allows, or ask the client to retry).

import type { ProofBundle } from '../../../shared/api/transparency.ts';
import {
  buildProofBundle,
  decodeLeaf,
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
}

async function leavesOfLabel(db: D1Database, label: Uint8Array): Promise<IndexedLeaf[]> {
  const { results } = await db
    .prepare('SELECT idx, leaf FROM transparency_leaves WHERE label = ?1 ORDER BY idx')
    .bind(label)
    .all<{ idx: number; leaf: ArrayBuffer | number[] }>();
  return results.map((r) => {
    const leaf = new Uint8Array(r.leaf);
    return { index: r.idx, leaf, event: decodeLeaf(leaf).event };
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
): Promise<{ bundle: ProofBundle; pending: boolean } | null> {
  const db = env.DB;
  const { checkpoint } = await currentCheckpoint(env);
  const { label, proof: vrfProof } = proveAddress(logKeys(env).vrfSecret, address);
  const all = await leavesOfLabel(db, label);
  const covered = all.filter((l) => l.index < checkpoint.size);
  const key = latest(covered, KEY_BINDING_EVENTS);
  if (!key) return null;
  const envelope = latest(covered, ['envelope_identity_published']);
  const proven = async (l: IndexedLeaf) => ({
    index: l.index,
    leaf: l.leaf,
    proof: await inclusionProof(db, l.index, checkpoint.size),
  });
  const from =
    knownSize !== undefined && knownSize > 0 && knownSize < checkpoint.size ? knownSize : undefined;
  const bundle = buildProofBundle({
    checkpoint: checkpoint.note + (await cosignatureLines(db, checkpoint.size)).join(''),
    vrfProof,
    key: await proven(key),
    ...(envelope ? { envelope: await proven(envelope) } : {}),
    ...(from !== undefined
      ? { consistency: { from, proof: await consistencyProof(db, from, checkpoint.size) } }
      : {}),
  });
  return { bundle, pending: all.length > covered.length };
}
