// Bindings and per-request variables of the Worker. Keep in step with wrangler.toml.

export interface Bindings {
  DB: D1Database;
  /** Outbound mail (verification codes now, the relay later). */
  MAILER: SendEmail;
  /** The service's own mail domain, e.g. "noise.email". */
  SERVICE_DOMAIN: string;
  /** Comma-separated extension origins allowed on account routes; empty allows any only in development. */
  EXTENSION_ORIGINS: string;
  /** "development" in the local wrangler.toml only; anything else is production (http/config.ts). */
  ENVIRONMENT?: string;
  /** The Worker's public origin (https:// in production): verification links point here. */
  SERVICE_URL?: string;
  /** Key of the deterministic fake KDF salts; required in production (`wrangler secret put`). */
  SERVER_SECRET?: string;
  /** Workers Rate Limiting binding for public lookups (approximate counts are fine there). */
  LOOKUP_LIMITER?: RateLimit;
}

export interface Variables {
  /** Set by requireAccount (worker/src/auth/require-account.ts) on authenticated routes. */
  accountId: string;
  /** Set by requireAccount: the id of the session the access token belongs to. */
  sessionId: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
