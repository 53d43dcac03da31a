// The minute cron (wrangler.toml [triggers]): signs a checkpoint if leaves wait, so witnesses and
// monitors see changes without anyone reading the log, and retries witnesses that lag.

import type { Bindings } from '../env.ts';
import { currentCheckpoint } from './sequencer.ts';
import { requestCosignatures } from './witnesses.ts';

export async function checkpointAndCosign(env: Bindings): Promise<void> {
  const { checkpoint } = await currentCheckpoint(env);
  await requestCosignatures(env, checkpoint);
}
