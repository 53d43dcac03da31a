-- What the directory and the account service promise (docs/threat-model.md, "The Worker"):
-- merge-on-publish with compare-and-swap, a subkey index of verified bindings only, envelope
-- identities owned by one account, token buckets for the strict limits, verification mails
-- that say what they prove, and device tokens that keep the owner out of the login lockout.

-- Compare-and-swap on merges: a publish that read revision n writes only if it is still n, so
-- two concurrent uploads cannot lose each other's signatures (or a revocation).
ALTER TABLE openpgp_keys ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- The subkey index holds only subkeys whose binding signature by the primary key verified
-- (worker/src/directory/certificate.ts). One subkey may be bound by several keys; lookups
-- resolve it (worker/src/directory/keys-table.ts): a primary key of that fingerprint first,
-- then a binding the subkey itself co-signed (proven = 1, RFC 9580 §5.2.1 0x19 back-signature),
-- then a sole unproven binding; ties between different keys resolve to no key.
-- Rows from before this migration were indexed without checking bindings, so none are kept:
-- a key published earlier is indexed again by its next publish.
DROP TABLE openpgp_subkeys;
CREATE TABLE openpgp_subkeys (
  fingerprint TEXT NOT NULL,             -- uppercase hex
  key_id TEXT NOT NULL,                  -- uppercase hex, 16 digits
  primary_fingerprint TEXT NOT NULL REFERENCES openpgp_keys(fingerprint) ON DELETE CASCADE,
  proven INTEGER NOT NULL CHECK (proven IN (0, 1)),
  PRIMARY KEY (fingerprint, primary_fingerprint)
);
CREATE INDEX openpgp_subkeys_key_id ON openpgp_subkeys(key_id);
CREATE INDEX openpgp_subkeys_primary ON openpgp_subkeys(primary_fingerprint);

-- An envelope identity (its signing key) belongs to at most one account.
CREATE UNIQUE INDEX envelope_identities_signing_key ON envelope_identities(signing_key);

-- The directory log gains 'update' (a stored key merged with an upload that changed it). SQLite
-- cannot alter a CHECK, so the table is rebuilt with its rows and sequence numbers unchanged.
CREATE TABLE directory_log_next (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,                   -- unix ms
  account_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('publish', 'replace', 'update', 'revoke', 'bind', 'unbind', 'envelope_identity', 'signed_prekey')),
  address TEXT,
  old_fingerprint TEXT,
  new_fingerprint TEXT
);
INSERT INTO directory_log_next (seq, at, account_id, action, address, old_fingerprint, new_fingerprint)
  SELECT seq, at, account_id, action, address, old_fingerprint, new_fingerprint FROM directory_log;
DROP TRIGGER directory_log_no_update;
DROP TRIGGER directory_log_no_delete;
DROP TABLE directory_log;
ALTER TABLE directory_log_next RENAME TO directory_log;
CREATE TRIGGER directory_log_no_update BEFORE UPDATE ON directory_log
BEGIN SELECT RAISE(ABORT, 'directory_log is append-only'); END;
CREATE TRIGGER directory_log_no_delete BEFORE DELETE ON directory_log
BEGIN SELECT RAISE(ABORT, 'directory_log is append-only'); END;

-- Token buckets for every strict limit (worker/src/http/rate-limit.ts): they refill
-- continuously, so no window boundary lets twice the limit through. `taken_by` names the
-- request that took the last token, for statements later in the same batch.
CREATE TABLE rate_buckets (
  key TEXT PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_at INTEGER NOT NULL,           -- unix ms
  taken_by TEXT
);
CREATE INDEX rate_buckets_updated ON rate_buckets(updated_at);
DROP TABLE bundle_rate_counters;
DROP TABLE inbox_claim_counters;

-- Who asked for a verification mail, so the mail and the link page say what is being proven:
-- an account (and its key's fingerprint) adding the address, or a new account. A proof made
-- for one purpose is refused for the other.
ALTER TABLE verifications ADD COLUMN account_id TEXT;
ALTER TABLE verifications ADD COLUMN fingerprint TEXT;

-- Device tokens (OWASP "device cookies"): a client that logged in before presents one and is
-- counted on its own, not on the address's lockout that anyone can drive up.
CREATE TABLE login_devices (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  failed_at INTEGER NOT NULL DEFAULT 0,   -- unix ms of the last counted failure
  locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_devices_account ON login_devices(account_id);
