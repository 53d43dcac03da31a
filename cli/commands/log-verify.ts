// `noise log verify --directory URL`: audits the whole transparency log from the first leaf
// (docs/spec/transparency-v1.md §9.3). Downloads the latest checkpoint and every leaf, recomputes
// the tree, and checks the root at every checkpoint seen before (kept with --state) and now.
// Prints a JSON report; exits 4 (tampered) when anything does not hold.

import { downloadLeaves, logClient } from '../../shared/api/transparency-client.ts';
import { fromBase64, toBase64 } from '../../shared/encoding.ts';
import {
  cosignatureVerifier,
  ed25519NoteVerifier,
  LogAuditor,
  openCheckpoint,
} from '../../shared/transparency/index.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { toJson, writeStdout } from '../io.ts';
import { readState, writeState } from '../state-file.ts';

interface LogVerifyArgs {
  directory: string;
  key: string | undefined;
  witnesses: string[];
  state: string | undefined;
  /** Pages downloaded at once. */
  parallel: number;
}

interface VerifyState {
  logKey?: string;
  checkpoints: { size: number; root: string }[];
}

/** The log's verifier key: the pinned one (--key or state), or the served one on first use. */
export async function pinnedLogKey(
  client: ReturnType<typeof logClient>,
  given: string | undefined,
  pinned: string | undefined,
): Promise<{ vkey: string; source: 'given' | 'pinned' | 'first use' }> {
  if (given) {
    if (pinned && pinned !== given)
      throw new CliError(EXIT.tampered, 'log key differs from the one pinned in the state file');
    return { vkey: given, source: 'given' };
  }
  const served = await client.key();
  if (pinned && pinned !== served)
    throw new CliError(EXIT.tampered, 'the directory serves another log key than the pinned one');
  return { vkey: served, source: pinned ? 'pinned' : 'first use' };
}

export async function logVerify(a: LogVerifyArgs): Promise<void> {
  const client = logClient({ baseUrl: a.directory });
  const state = await readState<VerifyState>(a.state, { checkpoints: [] });
  const key = await pinnedLogKey(client, a.key, state.logKey);
  const logKey = ed25519NoteVerifier(key.vkey);
  const policy = a.witnesses.length
    ? { witnesses: a.witnesses.map((w) => cosignatureVerifier(w)), required: 1 }
    : undefined;
  const checkpoint = openCheckpoint(await client.checkpoint(), logKey, policy);
  const seen = state.checkpoints.map((c) => ({ size: c.size, root: fromBase64(c.root) }));
  const rolledBack = seen.filter((c) => c.size > checkpoint.size);
  const started = performance.now();
  const auditor = new LogAuditor([...seen, { size: checkpoint.size, root: checkpoint.root }]);
  for await (const leaf of downloadLeaves(client, 0, checkpoint.size, a.parallel)) auditor.add(leaf);
  const report = auditor.report();
  const problems = [
    ...report.problems.map((p) => `leaf ${p.index}: ${p.problem}`),
    ...rolledBack.map((c) => `checkpoint of size ${c.size} seen before is larger than the current one`),
  ];
  const ok = problems.length === 0;
  if (ok) {
    const kept = new Map(state.checkpoints.map((c) => [c.size, c.root]));
    kept.set(checkpoint.size, toBase64(checkpoint.root));
    await writeState(a.state, {
      logKey: key.vkey,
      checkpoints: [...kept].sort((x, y) => x[0] - y[0]).map(([size, root]) => ({ size, root })),
    });
  }
  await writeStdout(
    `${toJson({
      ok,
      origin: checkpoint.origin,
      logKey: key.vkey,
      logKeySource: key.source,
      size: checkpoint.size,
      root: toBase64(checkpoint.root),
      cosignedBy: checkpoint.cosignedBy,
      checkpointsChecked: report.checkpointsChecked,
      labels: report.labels,
      events: report.events,
      timeReversals: report.timeReversals,
      seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
      problems,
    })}\n`,
  );
  if (!ok) throw new CliError(EXIT.tampered, `log verification failed: ${problems[0]}`);
}
