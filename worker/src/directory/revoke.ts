// Uploading a revocation publishes it: a revocation certificate (a lone key revocation
// signature) or a copy of the key that carries one is merged into the stored copy like any
// publish (certificate.ts). The key stays bound to its addresses (that is how correspondents
// learn of it), the `revoked` flag never goes back, and every cached lookup is invalidated.

import * as openpgp from 'openpgp';
import { equalBytes } from '../../../shared/encoding.ts';
import { PGP_CONFIG } from '../../../shared/pgp/config.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import { HOUR_MS, requireToken } from '../http/rate-limit.ts';
import { invalidateLookups } from '../lookup/cache.ts';
// Key transparency (docs/spec/transparency-v1.md §4.4): the change's leaves join its batch.
import { readAccountView, servedKey, viewAfterRevocation } from '../transparency/account-view.ts';
import { logChangeStatements } from '../transparency/append.ts';
import type { LogEnv } from '../transparency/log-keys.ts';
import { runBatch } from './batch.ts';
import { assemble, type KeyParts, keyParts, withKeyRevocation } from './certificate.ts';
import {
  bindingsOfKey,
  KEY_CHANGED_ERROR,
  type KeyRow,
  keysOfAccount,
  upsertKeyStatements,
  verifiedAddresses,
} from './keys-table.ts';
import { appendLogStatement } from './log-table.ts';
import { mergeParts, withoutUnbound } from './merge.ts';
import { readPublicKey, storedForm, storedParts } from './openpgp-key.ts';
import { checkPacketStream, packetTags, TAG, unarmorKey } from './packets.ts';

/** Revocation uploads per account: 20 at once, 20 an hour (apart from publishing's limit). */
const REVOCATION_LIMIT = { capacity: 20, periodMs: HOUR_MS } as const;

function notForThisAccount(): ApiError {
  return new ApiError(400, 'bad_signature', 'The revocation does not verify for any key of this account.');
}

/** The stored key the upload revokes, merged with it. */
async function revokedParts(bytes: Uint8Array, keys: KeyRow[]): Promise<{ row: KeyRow; parts: KeyParts }> {
  const tags = packetTags(bytes);
  // A revocation certificate is a lone signature packet (gpg and openpgp.js both armor it as a
  // PUBLIC KEY BLOCK); anything else must be the key itself carrying the revocation.
  if (tags.length > 0 && tags.every((t) => t === TAG.signature)) {
    let sigs: openpgp.SignaturePacket[];
    try {
      sigs = [...(await openpgp.readSignature({ binarySignature: bytes, config: PGP_CONFIG })).packets];
    } catch {
      throw new ApiError(400, 'malformed_key', 'The revocation cannot be decoded.');
    }
    for (const row of keys) {
      const stored = await storedParts(row.binaryKey);
      for (const sig of sigs) {
        const parts = await withKeyRevocation(stored, sig);
        if (parts) return { row, parts };
      }
    }
    throw notForThisAccount();
  }
  const uploaded = await readPublicKey(bytes);
  const row = keys.find((k) => k.fingerprint === uploaded.getFingerprint().toUpperCase());
  if (!row) throw new ApiError(400, 'bad_signature', 'The uploaded key is not a key of this account.');
  return { row, parts: mergeParts(await storedParts(row.binaryKey), await keyParts(uploaded)) };
}

export async function publishRevocation(
  env: Pick<Bindings, 'DB'> & LogEnv,
  accountId: string,
  revocation: string,
  setRetryAfter: (seconds: number) => void,
): Promise<{ fingerprint: string }> {
  const db = env.DB;
  const now = Date.now();
  await requireToken(db, `revocation:${accountId}`, REVOCATION_LIMIT, now, {
    code: 'revocation_rate_limited',
    message: `At most ${REVOCATION_LIMIT.capacity} revocation uploads per account per hour.`,
    setRetryAfter,
  });
  const bytes = await unarmorKey(revocation);
  checkPacketStream(bytes);
  const allowed = new Set(await verifiedAddresses(db, accountId));
  for (let attempt = 1; ; attempt++) {
    const keys = (await keysOfAccount(db, accountId)).sort((a, b) => b.updatedAt - a.updatedAt);
    if (keys.length === 0) throw new ApiError(404, 'no_key', 'The account has no published key.');
    const { row, parts: merged } = await revokedParts(bytes, keys);
    const { parts } = withoutUnbound(merged);
    const key = assemble(parts, (email) => allowed.has(email));
    const form = await storedForm(key, parts);
    if (!form.revoked) throw new ApiError(400, 'not_revoked', 'The upload carries no valid key revocation.');
    if (row.revoked && equalBytes(row.binaryKey, form.binary)) return { fingerprint: row.fingerprint };
    const viewBefore = await readAccountView(db, accountId);
    try {
      await runBatch(db, [
        ...upsertKeyStatements(db, accountId, form, row.revision, now),
        appendLogStatement(
          db,
          { accountId, action: 'revoke', oldFingerprint: row.fingerprint, newFingerprint: row.fingerprint },
          now,
        ),
        ...logChangeStatements(env, viewBefore, viewAfterRevocation(viewBefore, servedKey(form)), now),
      ]);
    } catch (e) {
      if (!KEY_CHANGED_ERROR.test(String(e))) throw e;
      if (attempt >= 3) throw new ApiError(409, 'key_changed', 'The key changed meanwhile; retry.');
      continue;
    }
    const bindings = await bindingsOfKey(db, row.fingerprint);
    await invalidateLookups(env, {
      fingerprints: [row.fingerprint],
      keyIds: [row.keyId],
      addresses: bindings.map((b) => b.address),
    });
    return { fingerprint: row.fingerprint };
  }
}
