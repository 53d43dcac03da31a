// SQL for accounts and their addresses.

import type { KdfParams } from '../../../shared/api/accounts.ts';
import type { StoredAuthKey } from '../auth/auth-key.ts';

interface AccountCredentials {
  accountId: string;
  auth: StoredAuthKey;
  kdf: KdfParams;
}

export async function credentialsByAddress(
  db: D1Database,
  address: string,
): Promise<AccountCredentials | null> {
  const r = await db
    .prepare(
      `SELECT a.id, a.auth_salt, a.auth_hash, a.kdf FROM addresses d JOIN accounts a ON a.id = d.account_id
       WHERE d.address = ?1 AND d.verified_at IS NOT NULL`,
    )
    .bind(address)
    .first<{ id: string; auth_salt: string; auth_hash: string; kdf: string }>();
  return r
    ? { accountId: r.id, auth: { salt: r.auth_salt, hash: r.auth_hash }, kdf: JSON.parse(r.kdf) }
    : null;
}

export async function credentialsById(db: D1Database, accountId: string): Promise<AccountCredentials | null> {
  const r = await db
    .prepare('SELECT id, auth_salt, auth_hash, kdf FROM accounts WHERE id = ?1')
    .bind(accountId)
    .first<{ id: string; auth_salt: string; auth_hash: string; kdf: string }>();
  return r
    ? { accountId: r.id, auth: { salt: r.auth_salt, hash: r.auth_hash }, kdf: JSON.parse(r.kdf) }
    : null;
}

/** Held by an account, or a released inbox (never claimed again: worker/migrations/0013). */
export async function addressTaken(db: D1Database, address: string): Promise<boolean> {
  return (
    (await db
      .prepare(
        'SELECT 1 AS x FROM addresses WHERE address = ?1 UNION ALL SELECT 1 FROM released_inboxes WHERE address = ?1',
      )
      .bind(address)
      .first()) !== null
  );
}

interface NewAccount {
  id: string;
  now: number;
  auth: StoredAuthKey;
  kdf: KdfParams;
  vault: string;
  address: string;
  kind: 'service' | 'external';
}

/** Account and its first (already proven) address, for one batch. */
export function insertAccountStatements(db: D1Database, a: NewAccount): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO accounts (id, created_at, auth_salt, auth_hash, kdf, vault, vault_version, vault_updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?2)`,
      )
      .bind(a.id, a.now, a.auth.salt, a.auth.hash, JSON.stringify(a.kdf), a.vault),
    db
      .prepare(
        'INSERT INTO addresses (address, account_id, kind, verified_at, created_at) VALUES (?1, ?2, ?3, ?4, ?4)',
      )
      .bind(a.address, a.id, a.kind, a.now),
  ];
}

export function addAddressStatement(
  db: D1Database,
  a: { accountId: string; address: string; kind: 'service' | 'external'; now: number },
): D1PreparedStatement {
  return db
    .prepare(
      'INSERT INTO addresses (address, account_id, kind, verified_at, created_at) VALUES (?1, ?2, ?3, ?4, ?4)',
    )
    .bind(a.address, a.accountId, a.kind, a.now);
}

interface AddressRow {
  address: string;
  kind: 'service' | 'external';
  verifiedAt: number | null;
}

export async function accountOverview(
  db: D1Database,
  accountId: string,
): Promise<{ createdAt: number; vaultVersion: number; addresses: AddressRow[] } | null> {
  const [acc, addrs] = await db.batch([
    db.prepare('SELECT created_at, vault_version FROM accounts WHERE id = ?1').bind(accountId),
    db
      .prepare('SELECT address, kind, verified_at FROM addresses WHERE account_id = ?1 ORDER BY created_at')
      .bind(accountId),
  ]);
  const a = acc?.results[0] as { created_at: number; vault_version: number } | undefined;
  if (!a) return null;
  const addresses = (
    (addrs?.results ?? []) as { address: string; kind: AddressRow['kind']; verified_at: number | null }[]
  ).map((r) => ({ address: r.address, kind: r.kind, verifiedAt: r.verified_at }));
  return { createdAt: a.created_at, vaultVersion: a.vault_version, addresses };
}
