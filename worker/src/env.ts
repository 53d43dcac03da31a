// Bindings and per-request variables of the Worker. Keep in step with wrangler.toml.

export interface Bindings {
  DB: D1Database;
  /** Outbound mail: verification codes and the relay (worker/src/relay). */
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
  /**
   * Tests only (docs/spec/transparency-v1.md §7.3): "attacks", "no-lookup-proofs". Honoured only in
   * development; set anywhere else it is a configuration problem (http/config.ts). Never in wrangler.toml.
   */
  TRANSPARENCY_TEST_SWITCH?: string;
  /** Relay key secret (docs/spec/relay-v1.md §2.1): base64url of 32+ random bytes. Required in production. */
  RELAY_KEY?: string;
  /** The replaced relay key, still opened during a rotation. */
  RELAY_PREVIOUS_KEY?: string;
  /** When RELAY_KEY will be replaced (ISO 8601), published with the key. */
  RELAY_KEY_ROTATES_AT?: string;
  /** Domains besides SERVICE_DOMAIN onboarded for sending: verified addresses there may send. */
  RELAY_SENDING_DOMAINS?: string;
  /** Verified destinations (addresses, or "@domain"), which take the larger size limit. */
  RELAY_VERIFIED_DESTINATIONS?: string;
  /** Size limits in bytes: any recipient (default 5 MiB), only verified destinations (25 MiB). */
  RELAY_MAX_BYTES?: string;
  RELAY_MAX_BYTES_VERIFIED?: string;
  /** Deliveries (one per recipient) an account may send per hour and per day. */
  RELAY_HOURLY_LIMIT?: string;
  RELAY_DAILY_LIMIT?: string;
}

interface Variables {
  /** Set by requireAccount (worker/src/auth/require-account.ts) on authenticated routes. */
  accountId: string;
  /** Set by requireAccount: the id of the session the access token belongs to. */
  sessionId: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
