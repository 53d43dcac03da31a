// Uploading a revocation publishes it (issue 3 §3): the stored key gets the revocation
// signature, stays bound to its addresses (that is how correspondents learn of it), and
// every cached lookup of it is invalidated.

import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import { invalidateLookups } from '../lookup/cache.ts';
// Key transparency (docs/spec/transparency-v1.md §4.4): the change's leaves join its batch.
import { readAccountView, servedKey, viewAfterRevocation } from '../transparency/account-view.ts';
import { logChangeStatements } from '../transparency/append.ts';
import type { LogEnv } from '../transparency/log-keys.ts';
import { bindingsOfKey, keysOfAccount, upsertKeyStatements } from './keys-table.ts';
import { appendLogStatement } from './log-table.ts';
import { applyRevocation, readPublicKey, storedForm, stripKey } from './openpgp-key.ts';

export async function publishRevocation(
  env: Pick<Bindings, 'DB'> & LogEnv,
  accountId: string,
  revocation: string,
): Promise<{ fingerprint: string }> {
  const db = env.DB;
  const keys = await keysOfAccount(db, accountId);
  if (keys.length === 0) throw new ApiError(404, 'no_key', 'The account has no published key.');
  let lastError: unknown = null;
  for (const row of keys.sort((a, b) => b.updatedAt - a.updatedAt)) {
    const stored = await readPublicKey(row.binaryKey);
    let revoked: Awaited<ReturnType<typeof applyRevocation>>;
    try {
      revoked = await applyRevocation(stored, revocation);
    } catch (e) {
      if (e instanceof ApiError && e.code !== 'secret_key_material') {
        lastError = e;
        continue;
      }
      throw e;
    }
    // A revocation uploaded as a full key may carry more user IDs: keep only the bound ones.
    const bindings = await bindingsOfKey(db, row.fingerprint);
    const form = await storedForm(await stripKey(revoked, new Set(bindings.map((b) => b.address))));
    const now = Date.now();
    const viewBefore = await readAccountView(db, accountId);
    await db.batch([
      ...upsertKeyStatements(db, accountId, form, now),
      appendLogStatement(
        db,
        { accountId, action: 'revoke', oldFingerprint: row.fingerprint, newFingerprint: row.fingerprint },
        now,
      ),
      ...logChangeStatements(env, viewBefore, viewAfterRevocation(viewBefore, servedKey(form)), now),
    ]);
    await invalidateLookups(env, {
      fingerprints: [row.fingerprint],
      keyIds: [row.keyId],
      addresses: bindings.map((b) => b.address),
    });
    return { fingerprint: row.fingerprint };
  }
  throw (
    lastError ??
    new ApiError(400, 'bad_signature', 'The revocation does not verify for any key of this account.')
  );
}
