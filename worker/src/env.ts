// Bindings and per-request variables of the Worker. Keep in step with wrangler.toml.

export interface Bindings {
  DB: D1Database;
  /** Outbound mail (verification codes now, the relay later). */
  MAILER: SendEmail;
  /** The service's own mail domain, e.g. "noise.email". */
  SERVICE_DOMAIN: string;
  /** Comma-separated extension origins allowed on account routes; empty allows any only in development. */
  EXTENSION_ORIGINS: string;
  /**
   * "development" in the local wrangler.toml only; anything else is production (http/config.ts),
   * where missing settings and log keys fail closed instead of falling back to fixed ones.
   */
  ENVIRONMENT?: string;
  /** The Worker's public origin (https:// in production): verification links point here. */
  SERVICE_URL?: string;
  /** Key of the deterministic fake KDF salts; required in production (`wrangler secret put`). */
  SERVER_SECRET?: string;
  /** Workers Rate Limiting binding for public lookups (approximate counts are fine there). */
  LOOKUP_LIMITER?: RateLimit;
  /** One Durable Object per inbox address (worker/src/mailbox/mailbox-object.ts). */
  MAILBOX: DurableObjectNamespace<import('./mailbox/mailbox-object.ts').Mailbox>;
  /** Encrypted message bodies, one object per message (docs/spec/mailbox-v1.md). */
  MAIL_BODIES: R2Bucket;
  /** Transparency log key, Go sumdb/note signer format (docs/spec/transparency-v1.md §5.2). */
  LOG_SIGNING_KEY?: string;
  /** Transparency VRF key: base64 of a 32-byte seed (docs/spec/transparency-v1.md §3.1). */
  LOG_VRF_KEY?: string;
  /** Witnesses the log asks to cosign: "vkey url-prefix", comma separated (§6.2). */
  LOG_WITNESSES?: string;
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
