// Publishing an account's keys (issue 3 §3): validation (checkKeys, also used by register)
// and storage (publishKeys): the stripped OpenPGP key, the verified address bindings (a
// replacement moves them), the envelope keys, the directory log, and cache invalidation.

import type * as openpgp from 'openpgp';
import { ONE_TIME_PREKEY_CAP, type PublishKeysRequest } from '../../../shared/api/directory.ts';
import { equalBytes } from '../../../shared/encoding.ts';
import type {
  PublicIdentity,
  PublicOneTimePrekey,
  PublicSignedPrekey,
} from '../../../shared/envelope/identity.ts';
import { wkdHash } from '../../../shared/wkd/hash.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import { invalidateLookups } from '../lookup/cache.ts';
import { decodeIdentity, decodeOneTimePrekeys, decodeSignedPrekey } from '../prekeys/envelope-keys.ts';
import {
  clearPrekeysStatements,
  identityOf,
  insertOneTimePrekeyStatement,
  oneTimePrekeyCount,
  rotateSignedPrekeyStatements,
  upsertIdentityStatement,
} from '../prekeys/prekeys-table.ts';
// Key transparency (docs/spec/transparency-v1.md §4.4): the change's leaves join its batch.
import { readAccountView, servedKey, viewAfterPublish } from '../transparency/account-view.ts';
import { logChangeStatements } from '../transparency/append.ts';
import type { LogEnv } from '../transparency/log-keys.ts';
import {
  type BindingRow,
  bindingsOfAccount,
  deleteBindingStatement,
  keyByFingerprint,
  keysOfAccount,
  upsertBindingStatement,
  upsertKeyStatements,
  verifiedAddresses,
} from './keys-table.ts';
import { appendLogStatement } from './log-table.ts';
import { certifiedEmails, readPublicKey, requireEncryptionKey, storedForm, stripKey } from './openpgp-key.ts';

/** A superseded signed prekey stays usable this long (messages in flight, offline senders). */
export const SIGNED_PREKEY_GRACE_MS = 14 * 24 * 3600 * 1000;

export interface CheckedKeys {
  key: openpgp.PublicKey;
  envelope?: {
    identity: PublicIdentity;
    signedPrekey: PublicSignedPrekey;
    oneTimePrekeys: PublicOneTimePrekey[];
  };
}

type DirectoryEnv = Pick<Bindings, 'DB'> & LogEnv;

/**
 * Validation only: refuses secret key material, revoked keys and keys that cannot encrypt,
 * keys with no self-signed user ID for any of `addresses`, and envelope keys whose
 * signatures do not verify. Throws ApiError 400.
 */
export async function checkKeys(
  _env: DirectoryEnv,
  keys: PublishKeysRequest,
  addresses: string[],
): Promise<CheckedKeys> {
  const key = await readPublicKey(keys.openpgpKey);
  if (await key.isRevoked()) throw new ApiError(400, 'key_unusable', 'The key is revoked.');
  await requireEncryptionKey(key);
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  const emails = await certifiedEmails(key);
  if (!emails.some((e) => wanted.has(e)))
    throw new ApiError(
      400,
      'no_matching_user_id',
      "The key has no self-signed user ID for the account's address.",
    );
  if (!keys.envelope) return { key };
  const identity = decodeIdentity(keys.envelope.identity);
  return {
    key,
    envelope: {
      identity,
      signedPrekey: decodeSignedPrekey(identity.signingKey, keys.envelope.signedPrekey),
      oneTimePrekeys: decodeOneTimePrekeys(keys.envelope.oneTimePrekeys),
    },
  };
}

export function wkdHashFor(env: Pick<Bindings, 'SERVICE_DOMAIN'>, address: string): string | null {
  const domain = `@${env.SERVICE_DOMAIN.toLowerCase()}`;
  return address.endsWith(domain) ? wkdHash(address.slice(0, -domain.length)) : null;
}

/** D1 refuses a batch on a UNIQUE/PRIMARY KEY conflict; that is the client's fault, not ours. */
export async function runBatch(db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  try {
    await db.batch(statements);
  } catch (e) {
    if (/UNIQUE constraint failed: one_time_prekeys/.test(String(e)))
      throw new ApiError(409, 'duplicate_prekey', 'A one-time prekey with this id is already in stock.');
    throw e;
  }
}

/** Stores the keys, binding the key to the account's verified addresses only. */
export async function publishKeys(
  env: DirectoryEnv,
  accountId: string,
  keys: PublishKeysRequest,
): Promise<{ fingerprint: string; published: string[] }> {
  const db = env.DB;
  const verified = await verifiedAddresses(db, accountId);
  const checked = await checkKeys(env, keys, verified);
  const form = await storedForm(await stripKey(checked.key, new Set(verified)));
  const existing = await keyByFingerprint(db, form.fingerprint);
  if (existing && existing.accountId !== accountId)
    throw new ApiError(409, 'key_in_use', 'This key is published by another account.');
  const now = Date.now();
  const viewBefore = await readAccountView(db, accountId);
  const before = await bindingsOfAccount(db, accountId);
  const otherKeys = (await keysOfAccount(db, accountId)).filter((k) => k.fingerprint !== form.fingerprint);
  const statements: D1PreparedStatement[] = upsertKeyStatements(db, accountId, form, now);
  const replaced = before.find((b) => b.fingerprint !== form.fingerprint)?.fingerprint ?? null;
  statements.push(
    appendLogStatement(
      db,
      {
        accountId,
        action: replaced ? 'replace' : 'publish',
        oldFingerprint: replaced,
        newFingerprint: form.fingerprint,
      },
      now,
    ),
  );
  for (const [address, userId] of form.userIds) {
    const old = before.find((b) => b.address === address);
    const binding: BindingRow = {
      address,
      fingerprint: form.fingerprint,
      accountId,
      userId,
      wkdHash: wkdHashFor(env, address),
    };
    statements.push(upsertBindingStatement(db, binding, now));
    if (old?.fingerprint !== form.fingerprint)
      statements.push(
        appendLogStatement(
          db,
          {
            accountId,
            action: 'bind',
            address,
            oldFingerprint: old?.fingerprint ?? null,
            newFingerprint: form.fingerprint,
          },
          now,
        ),
      );
  }
  // The account has one current key: addresses the new key does not carry are unbound.
  for (const b of before) {
    if (form.userIds.has(b.address)) continue;
    statements.push(deleteBindingStatement(db, b.address, accountId));
    statements.push(
      appendLogStatement(
        db,
        { accountId, action: 'unbind', address: b.address, oldFingerprint: b.fingerprint },
        now,
      ),
    );
  }
  statements.push(...(await envelopeStatements(db, accountId, checked, now)));
  const viewAfter = viewAfterPublish(
    viewBefore,
    servedKey(form),
    form.userIds.keys(),
    checked.envelope?.identity,
  );
  statements.push(...logChangeStatements(env, viewBefore, viewAfter, now));
  await runBatch(db, statements);
  await invalidateLookups(env, {
    fingerprints: [form.fingerprint, ...otherKeys.map((k) => k.fingerprint)],
    keyIds: [form.keyId, ...otherKeys.map((k) => k.keyId)],
    addresses: new Set([...before.map((b) => b.address), ...form.userIds.keys()]),
  });
  return { fingerprint: form.fingerprint, published: [...form.userIds.keys()] };
}

async function envelopeStatements(
  db: D1Database,
  accountId: string,
  checked: CheckedKeys,
  now: number,
): Promise<D1PreparedStatement[]> {
  const envelope = checked.envelope;
  if (!envelope) return [];
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
    statements.push(appendLogStatement(db, { accountId, action: 'envelope_identity' }, now));
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
  return statements;
}
