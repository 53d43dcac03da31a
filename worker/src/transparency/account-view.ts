// What the directory serves for each of an account's addresses, before and after a change, and
// the leaves the difference makes (docs/spec/transparency-v1.md §4.4). Pure apart from
// readAccountView; the directory's write paths call these (worker/src/directory/publish.ts,
// revoke.ts) and put the leaves in the batch of the change.

import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from '../../../shared/encoding.ts';
import { identityFingerprint } from '../../../shared/envelope/identity.ts';
import { type DirectoryEvent, openpgpFingerprintBytes } from '../../../shared/transparency/index.ts';
import { bindingsOfAccount, keysOfAccount } from '../directory/keys-table.ts';
import { identityOf } from '../prekeys/prekeys-table.ts';

export interface ServedKey {
  fingerprint: string; // uppercase hex
  /** SHA-256 of the stored key bytes: a change of content is a key_updated. */
  digest: Uint8Array;
  revoked: boolean;
}

export interface AccountView {
  /** Address → the key served for it. */
  addresses: Map<string, ServedKey>;
  /** The envelope identity fingerprint served with every address, if any. */
  identity: Uint8Array | null;
}

/** A stored key in the shape the view needs. */
export function servedKey(k: { fingerprint: string; binary: Uint8Array; revoked: boolean }): ServedKey {
  return { fingerprint: k.fingerprint, digest: sha256(k.binary), revoked: k.revoked };
}

export async function readAccountView(db: D1Database, accountId: string): Promise<AccountView> {
  const [bindings, keys, identity] = await Promise.all([
    bindingsOfAccount(db, accountId),
    keysOfAccount(db, accountId),
    identityOf(db, accountId),
  ]);
  const byFingerprint = new Map(keys.map((k) => [k.fingerprint, k]));
  const addresses = new Map<string, ServedKey>();
  for (const b of bindings) {
    const k = byFingerprint.get(b.fingerprint);
    if (k)
      addresses.set(
        b.address,
        servedKey({ fingerprint: k.fingerprint, binary: k.binaryKey, revoked: k.revoked }),
      );
  }
  return { addresses, identity: identity ? identityFingerprint(identity) : null };
}

/** After publishing: the new key serves exactly its user IDs' addresses (publish.ts's rule). */
export function viewAfterPublish(
  before: AccountView,
  key: ServedKey,
  addresses: Iterable<string>,
  identity: { signingKey: Uint8Array; dhKey: Uint8Array } | undefined,
): AccountView {
  return {
    addresses: new Map([...addresses].map((a) => [a, key])),
    identity: identity ? identityFingerprint(identity) : before.identity,
  };
}

/** After a revocation: the revoked key's addresses serve its new stored form. */
export function viewAfterRevocation(before: AccountView, key: ServedKey): AccountView {
  const addresses = new Map(before.addresses);
  for (const [address, served] of addresses)
    if (served.fingerprint === key.fingerprint) addresses.set(address, key);
  return { addresses, identity: before.identity };
}

const fp = openpgpFingerprintBytes;

/** §4.4: the events of a change, addresses in lexicographic order. */
export function changeEvents(before: AccountView, after: AccountView): DirectoryEvent[] {
  const events: DirectoryEvent[] = [];
  const accountKeys = new Set([...before.addresses.values()].map((k) => k.fingerprint));
  const all = [...new Set([...before.addresses.keys(), ...after.addresses.keys()])].sort();
  for (const address of all) {
    const was = before.addresses.get(address);
    const now = after.addresses.get(address);
    const event = (e: Omit<DirectoryEvent, 'address'>) => events.push({ address, ...e });
    if (!now) {
      if (was) event({ event: 'address_released', fingerprint: null, previous: fp(was.fingerprint) });
      continue;
    }
    if (!was) {
      const bound = accountKeys.has(now.fingerprint);
      event({
        event: bound ? 'address_bound' : 'key_published',
        fingerprint: fp(now.fingerprint),
        previous: null,
      });
      if (after.identity)
        event({ event: 'envelope_identity_published', fingerprint: after.identity, previous: null });
      continue;
    }
    if (was.fingerprint !== now.fingerprint)
      event({ event: 'key_published', fingerprint: fp(now.fingerprint), previous: fp(was.fingerprint) });
    else if (now.revoked && !was.revoked)
      event({ event: 'key_revoked', fingerprint: fp(now.fingerprint), previous: null });
    else if (!equalBytes(was.digest, now.digest))
      event({ event: 'key_updated', fingerprint: fp(now.fingerprint), previous: null });
    const sameIdentity =
      before.identity === null || after.identity === null
        ? before.identity === after.identity
        : equalBytes(before.identity, after.identity);
    if (after.identity && !sameIdentity)
      event({ event: 'envelope_identity_published', fingerprint: after.identity, previous: before.identity });
  }
  return events;
}
