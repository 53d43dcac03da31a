-- Accounts, addresses, sessions, login lockout and address verification (docs/api.md).
-- Only hashes of secrets are stored: auth keys (salted SHA-256), tokens, codes (SHA-256).

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  -- salted hash of the client-derived auth key (never the passphrase)
  auth_salt TEXT NOT NULL,
  auth_hash TEXT NOT NULL,
  -- JSON KdfParams the client uses to derive the auth key and vault key
  kdf TEXT NOT NULL,
  -- client-encrypted vault (base64url) and its compare-and-swap version
  vault TEXT NOT NULL,
  vault_version INTEGER NOT NULL DEFAULT 1,
  vault_updated_at INTEGER NOT NULL
);

CREATE TABLE addresses (
  address TEXT PRIMARY KEY, -- lowercased
  account_id TEXT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL CHECK (kind IN ('service', 'external')),
  verified_at INTEGER, -- unix ms, NULL until proven
  created_at INTEGER NOT NULL
);
CREATE INDEX addresses_account ON addresses(account_id);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  device_name TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  access_hash TEXT NOT NULL UNIQUE,
  access_expires_at INTEGER NOT NULL,
  refresh_expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX sessions_account ON sessions(account_id);

-- Every refresh token a session ever had; a rotated one presented again revokes the session.
CREATE TABLE refresh_tokens (
  hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES sessions(id),
  created_at INTEGER NOT NULL,
  rotated_at INTEGER
);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);

-- Failed-login counters per address ('address') and per client IP ('client').
CREATE TABLE login_failures (
  scope TEXT NOT NULL CHECK (scope IN ('address', 'client')),
  key TEXT NOT NULL,
  failures INTEGER NOT NULL,
  locked_until INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);

-- Pending proofs of control of an external address.
CREATE TABLE verifications (
  id_hash TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  link_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  confirmed_at INTEGER,
  proof_hash TEXT UNIQUE,
  proof_expires_at INTEGER
);
CREATE INDEX verifications_address ON verifications(address);

-- Strict per-address mail counter: at most one verification mail per hour.
CREATE TABLE verification_mail (
  address TEXT PRIMARY KEY,
  sent_at INTEGER NOT NULL
);
