-- The account's security log on the server: events its owner should see, such as a session that
-- tried to send mail as an address the account does not own (worker/src/security-log). Bounded
-- per account; details hold only what the account itself sent or already knows.
CREATE TABLE account_security_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,                     -- unix ms
  kind TEXT NOT NULL,
  session_id TEXT,
  detail TEXT NOT NULL                     -- JSON object of strings
);
CREATE INDEX account_security_log_account ON account_security_log(account_id, seq DESC);
