// Publishing an account's keys: the OpenPGP key merged into the stored copy (certificate.ts),
// the verified address bindings (a replacement moves them), the envelope keys, the directory log
// and cache invalidation. planPublish reads and checks and returns the statements; the publish
// route runs them alone, registration inside its own batch.

import { domainOf, localPartOf, normalizeDomain } from '../../../shared/address.ts';
import type { PublishKeysRequest } from '../../../shared/api/directory.ts';
import { equalBytes } from '../../../shared/encoding.ts';
import { wkdHash } from '../../../shared/wkd/hash.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import { HOUR_MS, requireToken } from '../http/rate-limit.ts';
import { type DirectoryChange, invalidateLookups } from '../lookup/cache.ts';
import { envelopeStatements } from '../prekeys/envelope-publish.ts';
// Key transparency (docs/spec/transparency-v1.md §4.4): the change's leaves join its batch.
import { readAccountView, servedKey, viewAfterPublish } from '../transparency/account-view.ts';
import { logChangeStatements } from '../transparency/append.ts';
import type { LogEnv } from '../transparency/log-keys.ts';
import { runBatch } from './batch.ts';
import { assemble, keyParts } from './certificate.ts';
import { checkPublishable } from './checks.ts';
import {
  type BindingRow,
  bindingsOfAccount,
  deleteBindingStatement,
  KEY_CHANGED_ERROR,
  keysOfAccount,
  primaryKey,
  upsertBindingStatement,
  upsertKeyStatements,
  verifiedAddresses,
} from './keys-table.ts';
import { appendLogStatement } from './log-table.ts';
import { mergeParts, withoutUnbound } from './merge.ts';
import { readPublicKey, storedForm, storedParts, validUserIds } from './openpgp-key.ts';

/** Publishes per account: 10 at once, 10 an hour (registration's own publish aside). */
export const PUBLISH_LIMIT = { capacity: 10, periodMs: HOUR_MS } as const;
/** A merge that lost a compare-and-swap race is read and merged again this many times. */
const MERGE_ATTEMPTS = 3;

type DirectoryEnv = Pick<Bindings, 'DB'> & LogEnv;

interface PublishPlan {
  statements: D1PreparedStatement[];
  change: DirectoryChange;
  result: { fingerprint: string; published: string[]; strippedSubkeys: string[] };
}

function revokedKey(): ApiError {
  return new ApiError(400, 'key_unusable', 'The key is revoked; a published revocation cannot be undone.');
}

/**
 * Reads and checks everything and returns the statements that publish `keys` for the account,
 * bound to its `verified` addresses. Throws ApiError 4xx before anything is written.
 */
export async function planPublish(
  env: DirectoryEnv,
  accountId: string,
  keys: PublishKeysRequest,
  verified: readonly string[],
  now: number,
): Promise<PublishPlan> {
  const db = env.DB;
  const uploaded = await readPublicKey(keys.openpgpKey);
  const fingerprint = uploaded.getFingerprint().toUpperCase();
  const stored = await primaryKey(db, fingerprint);
  if (stored && stored.accountId !== accountId)
    throw new ApiError(409, 'key_in_use', 'This key is published by another account.');
  const fresh = await keyParts(uploaded);
  const merged = stored ? mergeParts(await storedParts(stored.binaryKey), fresh) : fresh;
  const { parts, unbound } = withoutUnbound(merged);
  const allowed = new Set(verified);
  const key = assemble(parts, (email) => allowed.has(email));
  if (stored?.revoked) throw revokedKey();
  if ((await validUserIds(key)).size === 0)
    throw new ApiError(
      400,
      'no_matching_user_id',
      "The key has no valid self-signed user ID for any of the account's verified addresses.",
    );
  await checkPublishable(key);
  const form = await storedForm(key, parts);

  const [viewBefore, before] = await Promise.all([
    readAccountView(db, accountId),
    bindingsOfAccount(db, accountId),
  ]);
  const otherKeys = (await keysOfAccount(db, accountId)).filter((k) => k.fingerprint !== fingerprint);
  const replaced = before.find((b) => b.fingerprint !== fingerprint)?.fingerprint ?? null;
  const changed = !stored || !equalBytes(stored.binaryKey, form.binary);
  const statements: D1PreparedStatement[] = [];
  const log = (action: 'publish' | 'replace' | 'update', old: string | null) =>
    statements.push(
      appendLogStatement(db, { accountId, action, oldFingerprint: old, newFingerprint: fingerprint }, now),
    );
  if (changed) statements.push(...upsertKeyStatements(db, accountId, form, stored?.revision ?? -1, now));
  if (!stored) log(replaced ? 'replace' : 'publish', replaced);
  else {
    if (changed) log('update', fingerprint);
    if (replaced) log('replace', replaced);
  }
  statements.push(...bindingStatements(env, accountId, form.userIds, fingerprint, before, now));
  const envelope = await envelopeStatements(db, accountId, keys.envelope, now);
  statements.push(...envelope.statements);
  const viewAfter = viewAfterPublish(viewBefore, servedKey(form), form.userIds.keys(), envelope.identity);
  statements.push(...logChangeStatements(env, viewBefore, viewAfter, now));
  return {
    statements,
    change: {
      fingerprints: [fingerprint, ...otherKeys.map((k) => k.fingerprint)],
      keyIds: [form.keyId, ...otherKeys.map((k) => k.keyId)],
      addresses: new Set([...before.map((b) => b.address), ...form.userIds.keys()]),
    },
    result: { fingerprint, published: [...form.userIds.keys()], strippedSubkeys: unbound },
  };
}

/** WKD serves only the service domain's addresses (draft-koch-openpgp-webkey-service §3.1). */
function wkdHashFor(env: Pick<Bindings, 'SERVICE_DOMAIN'>, address: string): string | null {
  return domainOf(address) === normalizeDomain(env.SERVICE_DOMAIN) ? wkdHash(localPartOf(address)) : null;
}

/** The account has one current key: its addresses move to it, those it does not carry are released. */
function bindingStatements(
  env: DirectoryEnv,
  accountId: string,
  userIds: Map<string, string>,
  fingerprint: string,
  before: BindingRow[],
  now: number,
): D1PreparedStatement[] {
  const db = env.DB;
  const statements: D1PreparedStatement[] = [];
  for (const [address, userId] of userIds) {
    const old = before.find((b) => b.address === address);
    const binding = { address, fingerprint, accountId, userId, wkdHash: wkdHashFor(env, address) };
    statements.push(upsertBindingStatement(db, binding, now));
    if (old?.fingerprint !== fingerprint)
      statements.push(
        appendLogStatement(
          db,
          {
            accountId,
            action: 'bind',
            address,
            oldFingerprint: old?.fingerprint ?? null,
            newFingerprint: fingerprint,
          },
          now,
        ),
      );
  }
  for (const b of before) {
    if (userIds.has(b.address)) continue;
    statements.push(deleteBindingStatement(db, b.address, accountId));
    statements.push(
      appendLogStatement(
        db,
        { accountId, action: 'unbind', address: b.address, oldFingerprint: b.fingerprint },
        now,
      ),
    );
  }
  return statements;
}

/** POST /directory/keys: rate-limited per account, merged again if a concurrent merge won. */
export async function publishKeys(
  env: DirectoryEnv,
  accountId: string,
  keys: PublishKeysRequest,
  setRetryAfter: (seconds: number) => void,
): Promise<PublishPlan['result']> {
  const db = env.DB;
  const now = Date.now();
  await requireToken(db, `publish:${accountId}`, PUBLISH_LIMIT, now, {
    code: 'publish_rate_limited',
    message: `At most ${PUBLISH_LIMIT.capacity} key publications per account per hour.`,
    setRetryAfter,
  });
  const verified = await verifiedAddresses(db, accountId);
  for (let attempt = 1; ; attempt++) {
    const plan = await planPublish(env, accountId, keys, verified, now);
    try {
      await runBatch(db, plan.statements);
    } catch (e) {
      if (!KEY_CHANGED_ERROR.test(String(e))) throw e;
      if (attempt >= MERGE_ATTEMPTS)
        throw new ApiError(409, 'key_changed', 'The key changed meanwhile; retry.');
      continue;
    }
    await invalidateLookups(env, plan.change);
    return plan.result;
  }
}
