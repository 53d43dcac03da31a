import { app } from './app.ts';
import type { Bindings } from './env.ts';
import { receiveEmail } from './inbound/receive.ts';
import { checkpointAndCosign } from './transparency/scheduled.ts';

// The Durable Object class must be exported by the Worker's main module (wrangler.toml).
export { Mailbox } from './mailbox/mailbox-object.ts';

export default {
  fetch: app.fetch,
  email: receiveEmail,
  scheduled: (_event, env, ctx) => ctx.waitUntil(checkpointAndCosign(env)),
} satisfies ExportedHandler<Bindings>;
