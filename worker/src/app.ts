// The Hono app: middleware, error mapping and the route modules.

import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { accountRoutes, registerRoutes } from './accounts/routes.ts';
import { authRoutes, sessionRoutes } from './auth/routes.ts';
import { directoryRoutes } from './directory/routes.ts';
import type { AppEnv } from './env.ts';
import { startupCheck } from './http/config.ts';
import { ApiError, errorResponse } from './http/errors.ts';
import { lookupRoutes } from './lookup/routes.ts';
import { inboxRoutes } from './mailbox/routes.ts';
import { watchRoutes } from './mailbox/watch-routes.ts';
import { prekeyRoutes } from './prekeys/routes.ts';
import { relayRoutes } from './relay/routes.ts';
import { securityLogRoutes } from './security-log/routes.ts';
import { logRoutes } from './transparency/routes.ts';
import { transparencyTestAttacks } from './transparency/test-attacks.ts';
import { passphraseRoutes, vaultRoutes } from './vault/routes.ts';
import { verificationRoutes } from './verification/routes.ts';

export const app = new Hono<AppEnv>();

// Logs, once per isolate, what a production Worker lacks (http/config.ts).
app.use('*', startupCheck);
// Tests only: a dishonest directory, off unless the development-only test switch arms it.
app.use('*', transparencyTestAttacks);

app.get('/health', (c) => c.json({ ok: true }));

// Accounts side: docs/api.md.
app.route('/api/v1/verifications', verificationRoutes);
app.route('/api/v1/accounts', registerRoutes);
app.route('/api/v1/account/passphrase', passphraseRoutes);
app.route('/api/v1/account', accountRoutes);
app.route('/api/v1/auth', authRoutes);
app.route('/api/v1/sessions', sessionRoutes);
app.route('/api/v1/vault', vaultRoutes);

// Directory side (docs/api.md, "Directory"): publishing, prekeys, public lookups (own API, VKS, HKP, WKD).
app.route('/api/v1/directory', directoryRoutes);
app.route('/api/v1/prekeys', prekeyRoutes);
// Registered inbox (docs/api.md, inboxes): mailboxes of the account's service-domain addresses.
app.route('/api/v1/inboxes', inboxRoutes);
app.route('/api/v1/watch', watchRoutes);
app.route('/api/v1/log', logRoutes); // key transparency, docs/spec/transparency-v1.md §7
// Outbound relay (docs/api.md, relay): sending, the send log, the relay key's well-known URL.
app.route('/', relayRoutes);
app.route('/api/v1/security-log', securityLogRoutes);
app.route('/', lookupRoutes);

app.notFound((c) => errorResponse(c, 404, 'not_found', 'No such route.'));

app.onError((err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message);
  if (err instanceof HTTPException) {
    const status = err.status >= 400 && err.status < 500 ? err.status : 400;
    // @hono/zod-validator's JSON parse failure arrives here as a 400 HTTPException.
    const code = /malformed json/i.test(err.message) ? 'malformed_json' : 'bad_request';
    return errorResponse(c, status as 400, code, err.message || 'Bad request.');
  }
  // docs/threat-model.md: logs carry no plaintext and no addresses. An unexpected error's message
  // may quote its input (storage, parser and crypto errors do), so only its class, the route and
  // the stack's frames are logged, never the message.
  const name = err instanceof Error ? err.name : typeof err;
  const frames =
    err instanceof Error
      ? (err.stack ?? '')
          .split('\n')
          .filter((line) => /^\s+at .*:\d+:\d+\)?$/.test(line))
          .join('\n')
      : '';
  console.error(`unhandled ${name} at ${c.req.method} ${c.req.routePath}\n${frames}`);
  return errorResponse(c, 500, 'internal', 'Internal error.');
});
