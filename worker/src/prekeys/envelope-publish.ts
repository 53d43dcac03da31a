// Publishing an account's envelope keys with its OpenPGP key (POST /directory/keys and
// registration): the identity, its signed prekey and a batch of one-time prekeys. An identity
// (its signing key) belongs to at most one account: a copy of someone else's identity and signed
// prekey, both public in every bundle, would verify, so the signing key is unique in D1 and a
// second account is refused (409 identity_in_use).

import { type EnvelopeKeys, ONE_TIME_PREKEY_CAP } from '../../../shared/api/directory.ts';
import { equalBytes, toHex } from '../../../shared/encoding.ts';
import type { PublicIdentity } from '../../../shared/envelope/identity.ts';
import { appendLogStatement } from '../directory/log-table.ts';
import { ApiError } from '../http/errors.ts';
import { decodeIdentity, decodeOneTimePrekeys, decodeSignedPrekey } from './envelope-keys.ts';
import {
  accountOfIdentity,
  clearPrekeysStatements,
  identityOf,
  insertOneTimePrekeyStatement,
  oneTimePrekeyCount,
  rotateSignedPrekeyStatements,
  upsertIdentityStatement,
} from './prekeys-table.ts';

/** A superseded signed prekey stays usable this long (messages in flight, offline senders). */
export const SIGNED_PREKEY_GRACE_MS = 14 * 24 * 3600 * 1000;

/** D1's error when a batch would give a second account an identity (unique index, 0007). */
export const IDENTITY_TAKEN_ERROR = /UNIQUE constraint failed: envelope_identities\.signing_key/;

export function identityTaken(): ApiError {
  return new ApiError(409, 'identity_in_use', 'This envelope identity belongs to another account.');
}

/** Checks the envelope keys' signatures; nothing is read or written. */
function decodeEnvelope(keys: EnvelopeKeys) {
  const identity = decodeIdentity(keys.identity);
  return {
    identity,
    signedPrekey: decodeSignedPrekey(identity.signingKey, keys.signedPrekey),
    oneTimePrekeys: decodeOneTimePrekeys(keys.oneTimePrekeys),
  };
}

/** The statements that publish `keys` for the account, for the publish batch, and its identity. */
export async function envelopeStatements(
  db: D1Database,
  accountId: string,
  keys: EnvelopeKeys | undefined,
  now: number,
): Promise<{ statements: D1PreparedStatement[]; identity: PublicIdentity | undefined }> {
  if (!keys) return { statements: [], identity: undefined };
  const envelope = decodeEnvelope(keys);
  const owner = await accountOfIdentity(db, envelope.identity.signingKey);
  if (owner !== null && owner !== accountId) throw identityTaken();
  const statements: D1PreparedStatement[] = [];
  const current = await identityOf(db, accountId);
  const sameIdentity =
    current !== null &&
    equalBytes(current.signingKey, envelope.identity.signingKey) &&
    equalBytes(current.dhKey, envelope.identity.dhKey);
  let stock = sameIdentity ? await oneTimePrekeyCount(db, accountId) : 0;
  if (!sameIdentity) {
    statements.push(...clearPrekeysStatements(db, accountId));
    statements.push(upsertIdentityStatement(db, accountId, envelope.identity, now));
    statements.push(
      appendLogStatement(
        db,
        {
          accountId,
          action: 'envelope_identity',
          oldFingerprint: current ? toHex(current.signingKey) : null,
          newFingerprint: toHex(envelope.identity.signingKey),
        },
        now,
      ),
    );
  }
  statements.push(
    ...rotateSignedPrekeyStatements(db, accountId, envelope.signedPrekey, now, SIGNED_PREKEY_GRACE_MS),
  );
  stock += envelope.oneTimePrekeys.length;
  if (stock > ONE_TIME_PREKEY_CAP)
    throw new ApiError(
      400,
      'prekey_stock_full',
      `At most ${ONE_TIME_PREKEY_CAP} one-time prekeys may be in stock.`,
    );
  for (const p of envelope.oneTimePrekeys)
    statements.push(insertOneTimePrekeyStatement(db, accountId, p, now));
  return { statements, identity: envelope.identity };
}
