-- Key directory: published OpenPGP keys, verified address bindings, envelope identities and
-- prekeys, and the append-only directory log. accounts/addresses come from 0002 (accounts).

-- One row per OpenPGP key an account has published. binary_key/armored_key hold the stripped
-- form: only self-signed user IDs of verified addresses, no third-party certifications.
CREATE TABLE openpgp_keys (
  fingerprint TEXT PRIMARY KEY,          -- uppercase hex
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  key_id TEXT NOT NULL,                  -- uppercase hex, 16 digits
  binary_key BLOB NOT NULL,
  armored_key TEXT NOT NULL,
  algorithm INTEGER NOT NULL,            -- RFC 9580 §9.1 public key algorithm id
  bits INTEGER,
  key_created_at INTEGER NOT NULL,       -- unix seconds, from the key packet
  expires_at INTEGER,                    -- unix seconds, NULL = does not expire
  revoked INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,           -- unix ms
  updated_at INTEGER NOT NULL
);
CREATE INDEX openpgp_keys_key_id ON openpgp_keys(key_id);
CREATE INDEX openpgp_keys_account ON openpgp_keys(account_id);

-- A verified address points at exactly one key; a replacement key moves the row.
CREATE TABLE address_bindings (
  address TEXT PRIMARY KEY,              -- lowercased
  fingerprint TEXT NOT NULL REFERENCES openpgp_keys(fingerprint) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,                 -- the full user ID string, for HKP indexes
  wkd_hash TEXT,                         -- z-base32 SHA-1 of the local part, service domain only
  bound_at INTEGER NOT NULL
);
CREATE INDEX address_bindings_wkd ON address_bindings(wkd_hash);
CREATE INDEX address_bindings_fingerprint ON address_bindings(fingerprint);
CREATE INDEX address_bindings_account ON address_bindings(account_id);

CREATE TABLE envelope_identities (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  signing_key BLOB NOT NULL,
  dh_key BLOB NOT NULL,
  dh_key_signature BLOB NOT NULL,
  updated_at INTEGER NOT NULL
);

-- The current signed prekey has superseded_at NULL; a replaced one is kept for a grace period.
CREATE TABLE signed_prekeys (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,           -- unix seconds, signed
  public_key BLOB NOT NULL,
  signature BLOB NOT NULL,
  uploaded_at INTEGER NOT NULL,
  superseded_at INTEGER,                 -- unix ms
  PRIMARY KEY (account_id, id)
);

CREATE TABLE one_time_prekeys (
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  id INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  uploaded_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, id)
);

-- Strict fixed-window counters for prekey bundle fetches (per requester, per target).
CREATE TABLE bundle_rate_counters (
  bucket TEXT NOT NULL,
  window_start INTEGER NOT NULL,         -- unix ms
  count INTEGER NOT NULL,
  PRIMARY KEY (bucket, window_start)
);

-- Every directory change, append-only; the transparency log builds on it (docs/spec/transparency-v1.md).
CREATE TABLE directory_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,                   -- unix ms
  account_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('publish', 'replace', 'revoke', 'bind', 'unbind', 'envelope_identity', 'signed_prekey')),
  address TEXT,
  old_fingerprint TEXT,
  new_fingerprint TEXT
);
CREATE TRIGGER directory_log_no_update BEFORE UPDATE ON directory_log
BEGIN SELECT RAISE(ABORT, 'directory_log is append-only'); END;
CREATE TRIGGER directory_log_no_delete BEFORE DELETE ON directory_log
BEGIN SELECT RAISE(ABORT, 'directory_log is append-only'); END;
