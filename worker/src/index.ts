import { app } from './app.ts';
import type { Bindings } from './env.ts';
import { receiveEmail } from './inbound/receive.ts';

// The Durable Object class must be exported by the Worker's main module (wrangler.toml).
export { Mailbox } from './mailbox/mailbox-object.ts';

export default {
  fetch: app.fetch,
  email: receiveEmail,
} satisfies ExportedHandler<Bindings>;
