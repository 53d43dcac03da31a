// SQL for the encrypted vault. Writes are compare-and-swap in one statement, so concurrent
// writers cannot both succeed from the same version.

export async function readVault(
  db: D1Database,
  accountId: string,
): Promise<{ vault: string; version: number } | null> {
  const r = await db
    .prepare('SELECT vault, vault_version FROM accounts WHERE id = ?1')
    .bind(accountId)
    .first<{ vault: string; vault_version: number }>();
  return r ? { vault: r.vault, version: r.vault_version } : null;
}

export async function currentVaultVersion(db: D1Database, accountId: string): Promise<number | null> {
  const r = await db
    .prepare('SELECT vault_version FROM accounts WHERE id = ?1')
    .bind(accountId)
    .first<{ vault_version: number }>();
  return r?.vault_version ?? null;
}

/** New version, or null when `expected` is no longer current. */
export async function swapVault(
  db: D1Database,
  accountId: string,
  expected: number,
  vault: string,
  now: number,
): Promise<number | null> {
  const r = await db
    .prepare(
      `UPDATE accounts SET vault = ?3, vault_version = vault_version + 1, vault_updated_at = ?4
       WHERE id = ?1 AND vault_version = ?2 RETURNING vault_version`,
    )
    .bind(accountId, expected, vault, now)
    .first<{ vault_version: number }>();
  return r?.vault_version ?? null;
}

/**
 * Passphrase change in one D1 batch (a transaction): the auth key hash, KDF params and vault
 * swap only if both the old auth hash and the vault version still hold; the other sessions
 * are revoked only if the swap landed (their statement checks for the new hash).
 */
export async function rewrapAccount(
  db: D1Database,
  p: {
    accountId: string;
    sessionId: string;
    oldHash: string;
    newSalt: string;
    newHash: string;
    kdf: string;
    vault: string;
    expectedVersion: number;
    now: number;
  },
): Promise<number | null> {
  const [swap] = await db.batch([
    db
      .prepare(
        `UPDATE accounts SET auth_salt = ?3, auth_hash = ?4, kdf = ?5, vault = ?6,
           vault_version = vault_version + 1, vault_updated_at = ?8
         WHERE id = ?1 AND auth_hash = ?2 AND vault_version = ?7 RETURNING vault_version`,
      )
      .bind(p.accountId, p.oldHash, p.newSalt, p.newHash, p.kdf, p.vault, p.expectedVersion, p.now),
    db
      .prepare(
        `UPDATE sessions SET revoked_at = ?3 WHERE account_id = ?1 AND id != ?2 AND revoked_at IS NULL
           AND EXISTS (SELECT 1 FROM accounts WHERE id = ?1 AND auth_hash = ?4)`,
      )
      .bind(p.accountId, p.sessionId, p.now, p.newHash),
  ]);
  const row = swap?.results[0] as { vault_version: number } | undefined;
  return row?.vault_version ?? null;
}
