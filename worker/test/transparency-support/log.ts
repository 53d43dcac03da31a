// Test support for the transparency log: the real typed client over SELF.fetch, the keys a
// client would trust (verifier key, VRF key from its signed note), the leaves as stored, and a
// wait for the checkpoint that covers them (checkpoints are signed at most every 2 s).

import { env, SELF } from 'cloudflare:test';
import { logClient } from '../../../shared/api/transparency-client.ts';
import {
  CHECKPOINT_INTERVAL_MS,
  ed25519NoteVerifier,
  type NoteVerifier,
  type OpenedCheckpoint,
  openCheckpoint,
} from '../../../shared/transparency/index.ts';
import { BASE } from '../support/accounts.ts';

export const log = logClient({ baseUrl: BASE, fetch: (input, init) => SELF.fetch(input, init) });

export async function trustedLog(): Promise<{ logKey: NoteVerifier; vrfKey: Uint8Array }> {
  const logKey = ed25519NoteVerifier(await log.key());
  return { logKey, vrfKey: await log.vrfKey(logKey) };
}

export async function storedLeafCount(): Promise<number> {
  const row = await env.DB.prepare('SELECT COUNT(*) AS n FROM transparency_leaves').first<{ n: number }>();
  return row?.n ?? 0;
}

export async function storedLeaves(from: number): Promise<Uint8Array[]> {
  const { results } = await env.DB.prepare(
    'SELECT leaf FROM transparency_leaves WHERE idx >= ?1 ORDER BY idx',
  )
    .bind(from)
    .all<{ leaf: ArrayBuffer }>();
  return results.map((r) => new Uint8Array(r.leaf));
}

/** The verified checkpoint once it covers every stored leaf (polls past the signing interval). */
export async function checkpointCoveringAll(logKey: NoteVerifier): Promise<OpenedCheckpoint> {
  const want = await storedLeafCount();
  const deadline = Date.now() + 4 * CHECKPOINT_INTERVAL_MS;
  for (;;) {
    const cp = openCheckpoint(await log.checkpoint(), logKey);
    if (cp.size === want) return cp;
    if (Date.now() > deadline) throw new Error(`checkpoint stuck at ${cp.size}, want ${want}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
