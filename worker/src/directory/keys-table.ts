// SQL for openpgp_keys, openpgp_subkeys and address_bindings.

import type { StoredKeyForm } from './openpgp-key.ts';

export interface KeyRow {
  fingerprint: string;
  accountId: string;
  keyId: string;
  binaryKey: Uint8Array;
  armoredKey: string;
  algorithm: number;
  bits: number | null;
  keyCreatedAt: number;
  expiresAt: number | null;
  revoked: boolean;
  createdAt: number;
  updatedAt: number;
  /** Compare-and-swap counter of merges (upsertKeyStatement). */
  revision: number;
  /** Found through one of its subkeys rather than the primary key. */
  viaSubkey: boolean;
}

interface RawKeyRow {
  fingerprint: string;
  account_id: string;
  key_id: string;
  binary_key: ArrayBuffer | number[];
  armored_key: string;
  algorithm: number;
  bits: number | null;
  key_created_at: number;
  expires_at: number | null;
  revoked: number;
  created_at: number;
  updated_at: number;
  revision: number;
  tier?: number;
}

const KEY_COLUMNS = `k.fingerprint, k.account_id, k.key_id, k.binary_key, k.armored_key, k.algorithm, k.bits,
  k.key_created_at, k.expires_at, k.revoked, k.created_at, k.updated_at, k.revision`;

function mapKey(r: RawKeyRow): KeyRow {
  return {
    fingerprint: r.fingerprint,
    accountId: r.account_id,
    keyId: r.key_id,
    binaryKey: new Uint8Array(r.binary_key),
    armoredKey: r.armored_key,
    algorithm: r.algorithm,
    bits: r.bits,
    keyCreatedAt: r.key_created_at,
    expiresAt: r.expires_at,
    revoked: r.revoked !== 0,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    revision: r.revision,
    viaSubkey: (r.tier ?? 0) > 0,
  };
}

/**
 * A fingerprint or key ID names at most one key. Candidates come in tiers: 0, a primary key
 * with that fingerprint (or key ID); 1, a subkey whose binding it co-signed itself (its holder
 * bound it); 2, a subkey bound by a primary key alone (anyone can bind a public encryption key).
 * The best tier wins; two different keys in the best tier name no key. So a key whose primary
 * is that fingerprint always wins, and binding someone else's key as a subkey wins nothing the
 * moment the owner publishes (docs/threat-model.md).
 */
async function resolve(
  db: D1Database,
  column: 'fingerprint' | 'key_id',
  value: string,
): Promise<KeyRow | null> {
  const { results } = await db
    .prepare(
      `SELECT ${KEY_COLUMNS}, 0 AS tier FROM openpgp_keys k WHERE k.${column} = ?1
       UNION ALL
       SELECT ${KEY_COLUMNS}, 2 - s.proven AS tier FROM openpgp_subkeys s
         JOIN openpgp_keys k ON k.fingerprint = s.primary_fingerprint
       WHERE s.${column} = ?1
       ORDER BY tier LIMIT 2`,
    )
    .bind(value)
    .all<RawKeyRow>();
  const [best, next] = results;
  if (!best) return null;
  if (next && next.tier === best.tier && next.fingerprint !== best.fingerprint) return null;
  return mapKey(best);
}

/** By fingerprint: the key with that primary fingerprint, or the one key bound to that subkey. */
export function keyByFingerprint(db: D1Database, fingerprint: string): Promise<KeyRow | null> {
  return resolve(db, 'fingerprint', fingerprint);
}

/** By long key ID, resolved like a fingerprint; a key ID two keys share names neither. */
export function keyByKeyId(db: D1Database, keyId: string): Promise<KeyRow | null> {
  return resolve(db, 'key_id', keyId);
}

/** The stored key with this primary fingerprint (never a subkey match). */
export async function primaryKey(db: D1Database, fingerprint: string): Promise<KeyRow | null> {
  const r = await db
    .prepare(`SELECT ${KEY_COLUMNS} FROM openpgp_keys k WHERE k.fingerprint = ?1`)
    .bind(fingerprint)
    .first<RawKeyRow>();
  return r ? mapKey(r) : null;
}

export async function keyByAddress(db: D1Database, address: string): Promise<KeyRow | null> {
  const r = await db
    .prepare(
      `SELECT ${KEY_COLUMNS} FROM address_bindings b JOIN openpgp_keys k ON k.fingerprint = b.fingerprint WHERE b.address = ?1`,
    )
    .bind(address)
    .first<RawKeyRow>();
  return r ? mapKey(r) : null;
}

export async function keysOfAccount(db: D1Database, accountId: string): Promise<KeyRow[]> {
  const { results } = await db
    .prepare(`SELECT ${KEY_COLUMNS} FROM openpgp_keys k WHERE k.account_id = ?1`)
    .bind(accountId)
    .all<RawKeyRow>();
  return results.map(mapKey);
}

/** The error D1 gives when upsertKeyStatement finds the row changed or owned by another account. */
export const KEY_CHANGED_ERROR = /NOT NULL constraint failed: openpgp_keys\.account_id/;

/**
 * The key row and its subkey index, for one batch. The row is written only if it still has
 * `expectedRevision` (-1: there is no row) and belongs to `accountId`; otherwise account_id is
 * set to NULL, which fails the NOT NULL constraint and the whole batch (KEY_CHANGED_ERROR): a
 * concurrent merge is never overwritten, and the caller merges again. `revoked` never goes back.
 */
export function upsertKeyStatements(
  db: D1Database,
  accountId: string,
  form: StoredKeyForm,
  expectedRevision: number,
  now: number,
) {
  return [
    db
      .prepare(
        `INSERT INTO openpgp_keys (fingerprint, account_id, key_id, binary_key, armored_key, algorithm, bits,
           key_created_at, expires_at, revoked, created_at, updated_at, revision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, 0)
         ON CONFLICT (fingerprint) DO UPDATE SET binary_key = ?4, armored_key = ?5, expires_at = ?9,
           revoked = max(openpgp_keys.revoked, ?10), updated_at = ?11, revision = openpgp_keys.revision + 1,
           account_id = CASE WHEN openpgp_keys.account_id = ?2 AND openpgp_keys.revision = ?12 THEN ?2 ELSE NULL END`,
      )
      .bind(
        form.fingerprint,
        accountId,
        form.keyId,
        form.binary,
        form.armored,
        form.algorithm,
        form.bits,
        form.createdAt,
        form.expiresAt,
        form.revoked ? 1 : 0,
        now,
        expectedRevision,
      ),
    db.prepare('DELETE FROM openpgp_subkeys WHERE primary_fingerprint = ?1').bind(form.fingerprint),
    ...form.subkeys.map((sk) =>
      db
        .prepare(
          'INSERT INTO openpgp_subkeys (fingerprint, key_id, primary_fingerprint, proven) VALUES (?1, ?2, ?3, ?4)',
        )
        .bind(sk.fingerprint, sk.keyId, form.fingerprint, sk.proven ? 1 : 0),
    ),
  ];
}

export interface BindingRow {
  address: string;
  fingerprint: string;
  accountId: string;
  userId: string;
  wkdHash: string | null;
}

interface RawBinding {
  address: string;
  fingerprint: string;
  account_id: string;
  user_id: string;
  wkd_hash: string | null;
}

const mapBinding = (r: RawBinding): BindingRow => ({
  address: r.address,
  fingerprint: r.fingerprint,
  accountId: r.account_id,
  userId: r.user_id,
  wkdHash: r.wkd_hash,
});

const BINDING_COLUMNS = 'address, fingerprint, account_id, user_id, wkd_hash';

export async function bindingsOfKey(db: D1Database, fingerprint: string): Promise<BindingRow[]> {
  const { results } = await db
    .prepare(`SELECT ${BINDING_COLUMNS} FROM address_bindings WHERE fingerprint = ?1 ORDER BY address`)
    .bind(fingerprint)
    .all<RawBinding>();
  return results.map(mapBinding);
}

export async function bindingsOfAccount(db: D1Database, accountId: string): Promise<BindingRow[]> {
  const { results } = await db
    .prepare(`SELECT ${BINDING_COLUMNS} FROM address_bindings WHERE account_id = ?1`)
    .bind(accountId)
    .all<RawBinding>();
  return results.map(mapBinding);
}

export async function bindingByAddress(db: D1Database, address: string): Promise<BindingRow | null> {
  const r = await db
    .prepare(`SELECT ${BINDING_COLUMNS} FROM address_bindings WHERE address = ?1`)
    .bind(address)
    .first<RawBinding>();
  return r ? mapBinding(r) : null;
}

export async function bindingByWkdHash(db: D1Database, wkdHash: string): Promise<BindingRow | null> {
  const r = await db
    .prepare(`SELECT ${BINDING_COLUMNS} FROM address_bindings WHERE wkd_hash = ?1`)
    .bind(wkdHash)
    .first<RawBinding>();
  return r ? mapBinding(r) : null;
}

export function upsertBindingStatement(db: D1Database, b: BindingRow, now: number) {
  return db
    .prepare(
      `INSERT INTO address_bindings (address, fingerprint, account_id, user_id, wkd_hash, bound_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (address) DO UPDATE SET fingerprint = ?2, user_id = ?4, wkd_hash = ?5, bound_at = ?6
       WHERE address_bindings.account_id = ?3`,
    )
    .bind(b.address, b.fingerprint, b.accountId, b.userId, b.wkdHash, now);
}

export function deleteBindingStatement(db: D1Database, address: string, accountId: string) {
  return db
    .prepare('DELETE FROM address_bindings WHERE address = ?1 AND account_id = ?2')
    .bind(address, accountId);
}

/** Addresses the account has proven (a service-domain inbox counts as proven). */
export async function verifiedAddresses(db: D1Database, accountId: string): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT address FROM addresses WHERE account_id = ?1 AND (verified_at IS NOT NULL OR kind = 'service') ORDER BY address`,
    )
    .bind(accountId)
    .all<{ address: string }>();
  return results.map((r) => r.address);
}
