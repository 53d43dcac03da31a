-- Subkey fingerprints and key IDs of published keys, so that a lookup by a subkey (a
-- signature's issuer, an encryption subkey) finds the whole key, as VKS and HKP servers do.
CREATE TABLE openpgp_subkeys (
  fingerprint TEXT PRIMARY KEY,          -- uppercase hex
  key_id TEXT NOT NULL,                  -- uppercase hex, 16 digits
  primary_fingerprint TEXT NOT NULL REFERENCES openpgp_keys(fingerprint) ON DELETE CASCADE
);
CREATE INDEX openpgp_subkeys_key_id ON openpgp_subkeys(key_id);
CREATE INDEX openpgp_subkeys_primary ON openpgp_subkeys(primary_fingerprint);
