// Who an inbound mail is for, from D1: the account owning the inbox address and the OpenPGP key
// the directory publishes for it (the key senders would find for the address too).

export type Recipient =
  | { kind: 'inbox'; accountId: string; address: string; armoredKey: string | null }
  | { kind: 'released' }
  | { kind: 'unknown' };

export async function findRecipient(db: D1Database, address: string): Promise<Recipient> {
  const [owner, released] = await db.batch([
    db
      .prepare(
        `SELECT a.account_id, k.armored_key FROM addresses a
         LEFT JOIN address_bindings b ON b.address = a.address
         LEFT JOIN openpgp_keys k ON k.fingerprint = b.fingerprint AND k.revoked = 0
         WHERE a.address = ?1 AND a.kind = 'service' AND a.verified_at IS NOT NULL`,
      )
      .bind(address),
    db.prepare('SELECT 1 AS x FROM released_inboxes WHERE address = ?1').bind(address),
  ]);
  const row = owner?.results[0] as { account_id: string; armored_key: string | null } | undefined;
  if (row) return { kind: 'inbox', accountId: row.account_id, address, armoredKey: row.armored_key };
  return (released?.results.length ?? 0) > 0 ? { kind: 'released' } : { kind: 'unknown' };
}
