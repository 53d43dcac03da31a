-- Outbound relay (docs/api.md, relay; worker/src/relay). The send log keeps, per send, only what
-- the account may see again without revealing anything about the message: a hash of what the
-- relay received (ciphertext or seal, never plaintext), its size and how many recipients it had;
-- no address, subject or text. Counters hold the per-account delivery limits.
CREATE TABLE relay_send_log (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,                     -- unix ms
  mode TEXT NOT NULL CHECK (mode IN ('encrypted', 'sealed')),
  sha256 TEXT NOT NULL,                    -- hex, of the received payload
  size INTEGER NOT NULL,
  recipients INTEGER NOT NULL,
  delivered INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('sent', 'partial', 'failed')),
  delivery TEXT NOT NULL CHECK (delivery IN ('raw', 'inline-pgp')),
  error TEXT                               -- stable error code of the first failure
);
CREATE INDEX relay_send_log_account ON relay_send_log(account_id, at DESC);
CREATE INDEX relay_send_log_payload ON relay_send_log(account_id, sha256);

-- Strict fixed-window counters of deliveries (one per recipient) per account: 'hour' and 'day'.
CREATE TABLE relay_counters (
  account_id TEXT NOT NULL,
  period TEXT NOT NULL CHECK (period IN ('hour', 'day')),
  window_start INTEGER NOT NULL,           -- unix ms
  count INTEGER NOT NULL,
  PRIMARY KEY (account_id, period, window_start)
);
