import { app } from './app.ts';
import type { Bindings } from './env.ts';
import { checkpointAndCosign } from './transparency/scheduled.ts';

export default {
  fetch: app.fetch,
  scheduled: (_event, env, ctx) => ctx.waitUntil(checkpointAndCosign(env)),
} satisfies ExportedHandler<Bindings>;
