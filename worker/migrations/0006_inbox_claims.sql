-- Strict fixed-window counters for inbox claims on the service domain, per client and day
-- (worker/src/accounts/inbox-quota.ts). Apart from bundle_rate_counters, which prunes hourly.
CREATE TABLE inbox_claim_counters (
  client TEXT NOT NULL,
  window_start INTEGER NOT NULL,         -- unix ms, start of the UTC day
  count INTEGER NOT NULL,
  PRIMARY KEY (client, window_start)
);
