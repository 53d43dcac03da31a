// Integrating appended leaves and signing checkpoints (docs/spec/transparency-v1.md §5.3): when
// the log is read and leaves are waiting, and the latest checkpoint is CHECKPOINT_INTERVAL_MS
// old, the leaves since it are hashed into the stored tree and a checkpoint for all of them is
// signed. Nothing here can make two inconsistent checkpoints: the tree is a function of the
// append-only leaves, and every checkpoint covers a prefix of them.

import {
  CHECKPOINT_INTERVAL_MS,
  Frontier,
  leafHash,
  signCheckpoint,
} from '../../../shared/transparency/index.ts';
import { type CheckpointRow, insertCheckpointStatement, latestCheckpoint } from './checkpoints-table.ts';
import { leafCount, leavesRange } from './leaves-table.ts';
import { type LogEnv, logKeys } from './log-keys.ts';
import { readNodes, type StoredNode, writeNodesStatements } from './tree-store.ts';

/** Leaves hashed per D1 round trip while catching up. */
const INTEGRATE_CHUNK = 4096;

type SequencerEnv = LogEnv & { DB: D1Database };

/** Hashes leaves [frontier.size, count) into stored nodes; returns the root at `count`. */
async function integrate(db: D1Database, from: number, count: number): Promise<Uint8Array> {
  const frontier = new Frontier(from, await readNodes(db, Frontier.idsFor(from)));
  while (frontier.size < count) {
    const leaves = await leavesRange(db, frontier.size, Math.min(count, frontier.size + INTEGRATE_CHUNK));
    const nodes: StoredNode[] = [];
    for (const leaf of leaves) frontier.push(leafHash(leaf), (id, hash) => nodes.push({ ...id, hash }));
    await db.batch(writeNodesStatements(db, nodes));
  }
  return frontier.root();
}

/**
 * The checkpoint to serve now: the latest one, or a new one over every appended leaf when leaves
 * wait and the latest is at least CHECKPOINT_INTERVAL_MS old (or there is none). `signed` says
 * whether this call signed it (the caller then asks the witnesses).
 */
export async function currentCheckpoint(
  env: SequencerEnv,
  now = Date.now(),
): Promise<{ checkpoint: CheckpointRow; signed: boolean }> {
  const { signer } = logKeys(env);
  const db = env.DB;
  const latest = await latestCheckpoint(db);
  if (latest && now - latest.signedAt < CHECKPOINT_INTERVAL_MS) return { checkpoint: latest, signed: false };
  const count = await leafCount(db);
  if (latest && count === latest.size) return { checkpoint: latest, signed: false };
  const root = await integrate(db, latest?.size ?? 0, count);
  const row: CheckpointRow = {
    size: count,
    root,
    note: signCheckpoint({ origin: signer.name, size: count, root }, signer),
    signedAt: now,
  };
  await insertCheckpointStatement(db, row).run();
  return { checkpoint: row, signed: true };
}

/**
 * §8: a lookup whose change is not signed yet waits until the interval allows a new checkpoint
 * (at most CHECKPOINT_INTERVAL_MS) and then gets it, signed by this call or by another. The
 * signing time is at least the end of the interval it waited for, even if the clock says less.
 */
export async function checkpointWhenAllowed(
  env: SequencerEnv,
): Promise<{ checkpoint: CheckpointRow; signed: boolean }> {
  const latest = await latestCheckpoint(env.DB);
  const allowedAt = latest ? latest.signedAt + CHECKPOINT_INTERVAL_MS : 0;
  const wait = allowedAt - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, CHECKPOINT_INTERVAL_MS)));
  return currentCheckpoint(env, Math.max(Date.now(), allowedAt));
}
