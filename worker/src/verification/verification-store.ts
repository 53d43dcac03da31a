// SQL for pending address verifications and the strict hourly per-address mail counter.

export const VERIFICATION_TTL_MS = 30 * 60 * 1000;
const PROOF_TTL_MS = 30 * 60 * 1000;
const MAIL_INTERVAL_MS = 60 * 60 * 1000;
const MAX_CODE_ATTEMPTS = 5;

/**
 * Claims the address's one mail per hour; `address` is the limit key (limitKey in shared/address.ts), so tagged
 * and case variants share it. A single upsert both checks and records, so two concurrent
 * starts cannot both send. Returns the time the next mail is allowed when refused.
 */
export async function reserveMail(
  db: D1Database,
  address: string,
  now: number,
): Promise<{ ok: true } | { ok: false; nextAt: number }> {
  const won = await db
    .prepare(
      `INSERT INTO verification_mail (address, sent_at) VALUES (?1, ?2)
       ON CONFLICT (address) DO UPDATE SET sent_at = excluded.sent_at WHERE sent_at <= ?2 - ?3
       RETURNING sent_at`,
    )
    .bind(address, now, MAIL_INTERVAL_MS)
    .first();
  if (won) return { ok: true };
  const row = await db
    .prepare('SELECT sent_at FROM verification_mail WHERE address = ?1')
    .bind(address)
    .first<{ sent_at: number }>();
  return { ok: false, nextAt: (row?.sent_at ?? now) + MAIL_INTERVAL_MS };
}

/** Gives the hourly slot back when the mail could not be handed to the mailer. */
export async function releaseMail(db: D1Database, address: string, now: number): Promise<void> {
  await db
    .prepare('DELETE FROM verification_mail WHERE address = ?1 AND sent_at = ?2')
    .bind(address, now)
    .run();
}

/** What a verification proves: control of the address for a new account, or for this account. */
export interface VerificationPurpose {
  /** null: a new account. */
  accountId: string | null;
  /** The adding account's current key, as the mail and the link page name it. */
  fingerprint: string | null;
}

export async function insertVerification(
  db: D1Database,
  v: {
    idHash: string;
    address: string;
    codeHash: string;
    linkHash: string;
    now: number;
  } & VerificationPurpose,
): Promise<void> {
  await db.batch([
    // A new mail supersedes older pending verifications for the address.
    db.prepare('DELETE FROM verifications WHERE address = ?1 OR expires_at < ?2').bind(v.address, v.now),
    db
      .prepare(
        `INSERT INTO verifications (id_hash, address, code_hash, link_hash, created_at, expires_at, account_id, fingerprint)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
      )
      .bind(
        v.idHash,
        v.address,
        v.codeHash,
        v.linkHash,
        v.now,
        v.now + VERIFICATION_TTL_MS,
        v.accountId,
        v.fingerprint,
      ),
  ]);
}

interface PendingVerification {
  address: string;
  codeHash: string;
  confirmedAt: number | null;
  attempts: number;
}

/** Counts one confirmation attempt atomically; null when unknown, expired or out of attempts. */
export async function claimAttempt(
  db: D1Database,
  idHash: string,
  now: number,
): Promise<PendingVerification | null> {
  const r = await db
    .prepare(
      `UPDATE verifications SET attempts = attempts + 1
       WHERE id_hash = ?1 AND expires_at > ?2 AND attempts < ?3
       RETURNING address, code_hash, confirmed_at, attempts`,
    )
    .bind(idHash, now, MAX_CODE_ATTEMPTS)
    .first<{ address: string; code_hash: string; confirmed_at: number | null; attempts: number }>();
  return r
    ? { address: r.address, codeHash: r.code_hash, confirmedAt: r.confirmed_at, attempts: r.attempts }
    : null;
}

export async function storeProof(
  db: D1Database,
  idHash: string,
  proofHash: string,
  now: number,
): Promise<number> {
  const expiresAt = now + PROOF_TTL_MS;
  await db
    .prepare(
      `UPDATE verifications SET confirmed_at = coalesce(confirmed_at, ?2), proof_hash = ?3, proof_expires_at = ?4
       WHERE id_hash = ?1`,
    )
    .bind(idHash, now, proofHash, expiresAt)
    .run();
  return expiresAt;
}

export interface LinkTarget extends VerificationPurpose {
  address: string;
}

type RawLinkTarget = { address: string; account_id: string | null; fingerprint: string | null };
const linkTarget = (r: RawLinkTarget | null): LinkTarget | null =>
  r ? { address: r.address, accountId: r.account_id, fingerprint: r.fingerprint } : null;

/** The mailed link, confirmed by POST: marks the verification confirmed. */
export async function confirmLink(db: D1Database, linkHash: string, now: number): Promise<LinkTarget | null> {
  const r = await db
    .prepare(
      `UPDATE verifications SET confirmed_at = coalesce(confirmed_at, ?2)
       WHERE link_hash = ?1 AND expires_at > ?2 RETURNING address, account_id, fingerprint`,
    )
    .bind(linkHash, now)
    .first<RawLinkTarget>();
  return linkTarget(r);
}

export async function linkIsPending(
  db: D1Database,
  linkHash: string,
  now: number,
): Promise<LinkTarget | null> {
  const r = await db
    .prepare(
      'SELECT address, account_id, fingerprint FROM verifications WHERE link_hash = ?1 AND expires_at > ?2',
    )
    .bind(linkHash, now)
    .first<RawLinkTarget>();
  return linkTarget(r);
}

/** True when the proof is live for this address and was made for this purpose (`accountId` null: a new account). */
export async function proofValid(
  db: D1Database,
  p: { proofHash: string; address: string; accountId: string | null; now: number },
): Promise<boolean> {
  const r = await db
    .prepare(
      `SELECT 1 AS x FROM verifications
       WHERE proof_hash = ?1 AND address = ?2 AND proof_expires_at > ?3 AND account_id IS ?4`,
    )
    .bind(p.proofHash, p.address, p.now, p.accountId)
    .first();
  return r !== null;
}

export function consumeProofStatement(db: D1Database, proofHash: string): D1PreparedStatement {
  return db.prepare('DELETE FROM verifications WHERE proof_hash = ?1').bind(proofHash);
}
