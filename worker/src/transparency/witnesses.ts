// Asking the configured witnesses to cosign (docs/spec/transparency-v1.md §6.2): C2SP
// tlog-witness add-checkpoint with a consistency proof from the size each witness last cosigned,
// one retry on 409 with the size it reports. Cosignatures are verified before they are kept, and
// only lines of the configured witness key are kept. A witness that is down costs nothing but its
// cosignature: the log keeps serving.

import {
  cosignatureVerifier,
  ed25519NoteVerifier,
  formatAddCheckpoint,
  openNote,
} from '../../../shared/transparency/index.ts';
import type { Bindings } from '../env.ts';
import { type CheckpointRow, recordCosignatureStatements, witnessSize } from './checkpoints-table.ts';
import { type LogEnv, logKeys } from './log-keys.ts';
import { consistencyProof } from './tree-store.ts';

const WITNESS_TIMEOUT_MS = 5_000;

export interface ConfiguredWitness {
  vkey: string;
  url: string;
}

/** LOG_WITNESSES: "vkey url-prefix" entries separated by commas; malformed entries are skipped. */
export function configuredWitnesses(env: Pick<Bindings, 'LOG_WITNESSES'>): ConfiguredWitness[] {
  return (env.LOG_WITNESSES ?? '')
    .split(',')
    .map((entry) => entry.trim().split(/\s+/))
    .filter((parts): parts is [string, string] => parts.length === 2 && /^https?:\/\//.test(parts[1]!))
    .map(([vkey, url]) => ({ vkey, url: url.replace(/\/+$/, '') }));
}

async function askOne(
  env: LogEnv & { DB: D1Database },
  w: ConfiguredWitness,
  cp: CheckpointRow,
): Promise<void> {
  const verifier = cosignatureVerifier(w.vkey);
  let old = await witnessSize(env.DB, w.vkey);
  for (let attempt = 0; attempt < 2 && old < cp.size; attempt++) {
    const proof = await consistencyProof(env.DB, old, cp.size);
    const res = await fetch(`${w.url}/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpoint({ oldSize: old, proof, checkpoint: cp.note }),
      // A lookup may wait on this (served-proof.ts): a witness that hangs must not hold it.
      signal: AbortSignal.timeout(WITNESS_TIMEOUT_MS),
    });
    const body = await res.text();
    if (res.status === 409 && /^(0|[1-9][0-9]*)\n$/.test(body)) {
      old = Number(body.trim());
      continue;
    }
    if (res.status !== 200) throw new Error(`witness ${verifier.name} answered ${res.status}`);
    const ours = body
      .split('\n')
      .filter((line) => line.startsWith(`— ${verifier.name} `))
      .map((line) => `${line}\n`)
      .join('');
    const logKey = ed25519NoteVerifier(logKeys(env).vkey);
    const { signedBy } = openNote(`${cp.note}${ours}`, [logKey, verifier]);
    if (!signedBy.includes(verifier)) throw new Error(`witness ${verifier.name} cosignature does not verify`);
    await env.DB.batch(recordCosignatureStatements(env.DB, cp.size, w.vkey, ours));
    return;
  }
}

/** Asks every configured witness that has not cosigned `cp` yet; failures are logged, not thrown. */
export async function requestCosignatures(
  env: LogEnv & Pick<Bindings, 'DB' | 'LOG_WITNESSES'>,
  cp: CheckpointRow,
): Promise<void> {
  await Promise.all(
    configuredWitnesses(env).map((w) =>
      askOne(env, w, cp).catch((e: unknown) =>
        console.error('transparency: witness', e instanceof Error ? e.message : 'failed'),
      ),
    ),
  );
}
