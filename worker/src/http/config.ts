// Production settings fail closed (docs/api.md, "Configuration"). Development is explicit:
// ENVIRONMENT = "development" in wrangler.toml's local [vars]; anything else, unset included, is
// production. In production the account routes refuse to run (403 server_not_configured, never
// a 5xx) until SERVER_SECRET, EXTENSION_ORIGINS, SERVICE_URL and the transparency log's keys are
// set, and the first request each isolate serves logs what is missing. Public lookups keep
// working: they need none of it.

import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, Bindings } from '../env.ts';
import { errorResponse } from './errors.ts';

type ConfigEnv = Pick<
  Bindings,
  | 'ENVIRONMENT'
  | 'SERVER_SECRET'
  | 'EXTENSION_ORIGINS'
  | 'SERVICE_URL'
  | 'LOG_SIGNING_KEY'
  | 'LOG_VRF_KEY'
  | 'TRANSPARENCY_TEST_SWITCH'
>;

/** Development fallback only: fake KDF salts are predictable with it. */
const DEVELOPMENT_SERVER_SECRET = 'noise-email development secret: set SERVER_SECRET in production';
const MIN_SECRET_CHARS = 32;
export const EXTENSION_ORIGIN = /^(?:chrome-extension|moz-extension):\/\/[a-z0-9-]{1,64}$/;
/**
 * Firefox gives every installation its own moz-extension:// UUID, so Firefox origins can only
 * be admitted as a whole, by this one explicit entry.
 */
export const ANY_FIREFOX_EXTENSION = 'moz-extension://*';

export function isDevelopment(env: Pick<Bindings, 'ENVIRONMENT'>): boolean {
  return env.ENVIRONMENT === 'development';
}

/** EXTENSION_ORIGINS as a list of exact origins. */
export function extensionOrigins(env: Pick<Bindings, 'EXTENSION_ORIGINS'>): string[] {
  return (env.EXTENSION_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}

/** What is missing or wrong; empty when the account routes may run. */
export function configProblems(env: ConfigEnv): string[] {
  const problems: string[] = [];
  const development = isDevelopment(env);
  const url = env.SERVICE_URL ?? '';
  if (!/^https:\/\/[^/\s]+$/.test(url) && !(development && /^http:\/\/[^/\s]+$/.test(url)))
    problems.push('SERVICE_URL must be the https:// origin the verification links point to');
  if (development) return problems;
  // A test switch plays a dishonest directory (transparency-v1 §7.3): never outside development.
  if (env.TRANSPARENCY_TEST_SWITCH !== undefined)
    problems.push('TRANSPARENCY_TEST_SWITCH is for tests only and must not be set');
  if ((env.SERVER_SECRET ?? '').length < MIN_SECRET_CHARS)
    problems.push(
      `SERVER_SECRET must be set (wrangler secret put SERVER_SECRET, ${MIN_SECRET_CHARS}+ random characters)`,
    );
  if (!env.LOG_SIGNING_KEY || !env.LOG_VRF_KEY)
    problems.push(
      'LOG_SIGNING_KEY and LOG_VRF_KEY must be set (the transparency log records every directory change)',
    );
  const origins = extensionOrigins(env);
  if (origins.length === 0 || !origins.every((o) => EXTENSION_ORIGIN.test(o) || o === ANY_FIREFOX_EXTENSION))
    problems.push(
      `EXTENSION_ORIGINS must list the published extension origins (chrome-extension://<id>, ${ANY_FIREFOX_EXTENSION})`,
    );
  return problems;
}

/** The server secret; only development falls back to a fixed value (configProblems guards production). */
export function serverSecret(env: ConfigEnv): string {
  return env.SERVER_SECRET || DEVELOPMENT_SERVER_SECRET;
}

/** The service's own origin, for links in mail: never taken from the request's Host. */
export function serviceUrl(env: Pick<Bindings, 'SERVICE_URL'>): string {
  return (env.SERVICE_URL ?? '').replace(/\/+$/, '');
}

/** The problems this isolate last logged. */
let logged = '';

/**
 * The start-up check: at the first request an isolate serves (Workers have no start-up hook
 * with the environment), and again only if the answer changes, logs what is missing.
 */
export const startupCheck: MiddlewareHandler<AppEnv> = async (c, next) => {
  const problems = configProblems(c.env).join('; ');
  if (problems !== logged) {
    logged = problems;
    if (problems) console.error(`noise-email: account routes refused until configured: ${problems}`);
  }
  await next();
};

/** The 403 server_not_configured answer while anything is missing, else null. */
export function notConfigured(c: Context<AppEnv>): Response | null {
  const problems = configProblems(c.env);
  if (problems.length === 0) return null;
  return errorResponse(
    c,
    403,
    'server_not_configured',
    `This server is not configured for accounts yet: ${problems.join('; ')}.`,
  );
}

/** Account routes refuse to run while anything is missing. */
export const requireConfigured: MiddlewareHandler<AppEnv> = async (c, next) => {
  const refused = notConfigured(c);
  if (refused) return refused;
  await next();
};
