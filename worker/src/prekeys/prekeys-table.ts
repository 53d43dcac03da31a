// SQL for envelope_identities, signed_prekeys and one_time_prekeys.

interface IdentityRow {
  signingKey: Uint8Array;
  dhKey: Uint8Array;
  dhKeySignature: Uint8Array;
}

interface SignedPrekeyRow {
  id: number;
  createdAt: number;
  publicKey: Uint8Array;
  signature: Uint8Array;
}

type Blob = ArrayBuffer | number[];
const bytes = (b: Blob) => new Uint8Array(b);

export async function identityOf(db: D1Database, accountId: string): Promise<IdentityRow | null> {
  const r = await db
    .prepare('SELECT signing_key, dh_key, dh_key_signature FROM envelope_identities WHERE account_id = ?1')
    .bind(accountId)
    .first<{ signing_key: Blob; dh_key: Blob; dh_key_signature: Blob }>();
  return r
    ? { signingKey: bytes(r.signing_key), dhKey: bytes(r.dh_key), dhKeySignature: bytes(r.dh_key_signature) }
    : null;
}

/** The account that holds the envelope identity with this signing key, if any. */
export async function accountOfIdentity(db: D1Database, signingKey: Uint8Array): Promise<string | null> {
  const r = await db
    .prepare('SELECT account_id FROM envelope_identities WHERE signing_key = ?1')
    .bind(signingKey)
    .first<{ account_id: string }>();
  return r?.account_id ?? null;
}

export function upsertIdentityStatement(db: D1Database, accountId: string, id: IdentityRow, now: number) {
  return db
    .prepare(
      `INSERT INTO envelope_identities (account_id, signing_key, dh_key, dh_key_signature, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (account_id) DO UPDATE SET signing_key = ?2, dh_key = ?3, dh_key_signature = ?4, updated_at = ?5`,
    )
    .bind(accountId, id.signingKey, id.dhKey, id.dhKeySignature, now);
}

/** A new identity invalidates every prekey signed by (or bound to) the old one. */
export function clearPrekeysStatements(db: D1Database, accountId: string) {
  return [
    db.prepare('DELETE FROM signed_prekeys WHERE account_id = ?1').bind(accountId),
    db.prepare('DELETE FROM one_time_prekeys WHERE account_id = ?1').bind(accountId),
  ];
}

export async function currentSignedPrekey(
  db: D1Database,
  accountId: string,
): Promise<SignedPrekeyRow | null> {
  const r = await db
    .prepare(
      'SELECT id, created_at, public_key, signature FROM signed_prekeys WHERE account_id = ?1 AND superseded_at IS NULL',
    )
    .bind(accountId)
    .first<{ id: number; created_at: number; public_key: Blob; signature: Blob }>();
  return r
    ? { id: r.id, createdAt: r.created_at, publicKey: bytes(r.public_key), signature: bytes(r.signature) }
    : null;
}

/**
 * Rotation: the current signed prekey becomes superseded (kept until `now - graceMs` passes, so
 * messages to it still open), expired superseded ones go, and the new one becomes current.
 */
export function rotateSignedPrekeyStatements(
  db: D1Database,
  accountId: string,
  spk: SignedPrekeyRow,
  now: number,
  graceMs: number,
) {
  return [
    db
      .prepare(
        'DELETE FROM signed_prekeys WHERE account_id = ?1 AND superseded_at IS NOT NULL AND superseded_at < ?2',
      )
      .bind(accountId, now - graceMs),
    db
      .prepare(
        'UPDATE signed_prekeys SET superseded_at = ?2 WHERE account_id = ?1 AND superseded_at IS NULL AND id != ?3',
      )
      .bind(accountId, now, spk.id),
    db
      .prepare(
        `INSERT INTO signed_prekeys (account_id, id, created_at, public_key, signature, uploaded_at, superseded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)
         ON CONFLICT (account_id, id) DO UPDATE SET created_at = ?3, public_key = ?4, signature = ?5, uploaded_at = ?6, superseded_at = NULL`,
      )
      .bind(accountId, spk.id, spk.createdAt, spk.publicKey, spk.signature, now),
  ];
}

export function insertOneTimePrekeyStatement(
  db: D1Database,
  accountId: string,
  otpk: { id: number; publicKey: Uint8Array },
  now: number,
) {
  // An id already in stock is refused by the primary key; the batch then fails as a whole.
  return db
    .prepare('INSERT INTO one_time_prekeys (account_id, id, public_key, uploaded_at) VALUES (?1, ?2, ?3, ?4)')
    .bind(accountId, otpk.id, otpk.publicKey, now);
}

export async function oneTimePrekeyCount(db: D1Database, accountId: string): Promise<number> {
  const r = await db
    .prepare('SELECT count(*) AS n FROM one_time_prekeys WHERE account_id = ?1')
    .bind(accountId)
    .first<{ n: number }>();
  return r?.n ?? 0;
}

/**
 * Takes exactly one one-time prekey out of stock in a single statement (concurrent takers never
 * share one), and only if the request `takenBy` took the target's handout token (rate_buckets
 * row `bucket`) earlier in the same batch.
 */
export function takeOneTimePrekeyStatement(
  db: D1Database,
  accountId: string,
  bucket: string,
  takenBy: string,
) {
  return db
    .prepare(
      `DELETE FROM one_time_prekeys WHERE rowid = (SELECT rowid FROM one_time_prekeys WHERE account_id = ?1 ORDER BY id LIMIT 1)
         AND EXISTS (SELECT 1 FROM rate_buckets WHERE key = ?2 AND taken_by = ?3)
       RETURNING id, public_key`,
    )
    .bind(accountId, bucket, takenBy);
}

/** SQL condition (bind ?6 = account id): the account has a one-time prekey in stock. */
export const HAS_ONE_TIME_PREKEY = 'EXISTS (SELECT 1 FROM one_time_prekeys WHERE account_id = ?6)';

export function countOneTimePrekeysStatement(db: D1Database, accountId: string) {
  return db.prepare('SELECT count(*) AS n FROM one_time_prekeys WHERE account_id = ?1').bind(accountId);
}

export type TakenPrekey = { id: number; public_key: Blob };
export const takenBytes = bytes;

/** Whether a prekey bundle can be built: an identity and a current signed prekey exist. */
export async function hasEnvelope(db: D1Database, accountId: string): Promise<boolean> {
  const r = await db
    .prepare(
      `SELECT EXISTS (SELECT 1 FROM envelope_identities WHERE account_id = ?1)
         AND EXISTS (SELECT 1 FROM signed_prekeys WHERE account_id = ?1 AND superseded_at IS NULL) AS ok`,
    )
    .bind(accountId)
    .first<{ ok: number }>();
  return r?.ok === 1;
}
