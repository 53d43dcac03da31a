// Contacts and their pinned keys. A key seen for the first time is pinned (trust on first
// use); a later lookup or import that yields a different key is kept aside as a pending change
// and shown as a warning. It never replaces the pinned key until the user accepts it.

import { normalizeAddress } from '../../shared/address.ts';
import { readKeyInfo } from '../../shared/pgp/keys.ts';
import type { ContactView } from '../messages/protocol.ts';
import type { Records } from '../store/records.ts';
import type { ContactRecord, KeySource } from '../store/schema.ts';
import { ExtensionError } from './errors.ts';

export function contactView(c: ContactRecord): ContactView {
  return {
    address: c.address,
    fingerprint: c.fingerprint,
    source: c.source,
    firstSeen: c.firstSeen,
    lastUsed: c.lastUsed,
    verified: c.verified,
    pendingChange: c.pendingChange
      ? {
          fingerprint: c.pendingChange.fingerprint,
          source: c.pendingChange.source,
          seenAt: c.pendingChange.seenAt,
          loggedAt: c.pendingChange.loggedAt ?? null,
        }
      : null,
    envelope: c.envelope
      ? {
          fingerprint: c.envelope.fingerprint,
          firstSeen: c.envelope.firstSeen,
          verified: c.envelope.verified,
          pendingChange: c.envelope.pendingChange ?? null,
        }
      : null,
  };
}

/** Checks an armored public key and returns its fingerprint and the addresses in its user IDs. */
export async function inspectPublicKey(
  armoredKey: string,
): Promise<{ fingerprint: string; addresses: string[] }> {
  let info: Awaited<ReturnType<typeof readKeyInfo>>;
  try {
    info = await readKeyInfo(armoredKey);
  } catch {
    throw new ExtensionError('invalid_key', 'This is not a readable OpenPGP key.');
  }
  if (info.isPrivate)
    throw new ExtensionError('invalid_key', 'This is a secret key; contacts take public keys only.');
  if (info.revoked || info.expired || !info.canEncrypt) {
    throw new ExtensionError(
      'invalid_key',
      'This key cannot be used to encrypt (revoked, expired or no encryption key).',
    );
  }
  const addresses = info.userIds.map((u) => normalizeAddress(u.email)).filter(Boolean);
  return { fingerprint: info.fingerprint, addresses };
}

/**
 * Records a key seen for `address` from `source`. New address → pinned. Same fingerprint →
 * unchanged. Different fingerprint → pending change, logged; the pinned key stays.
 */
export async function observeKey(
  records: Records,
  address: string,
  armoredKey: string,
  source: KeySource,
  now = Date.now(),
  /** When the transparency log recorded this key for the address (a directory answer). */
  loggedAt?: number,
): Promise<ContactRecord> {
  const { fingerprint, addresses } = await inspectPublicKey(armoredKey);
  const addr = normalizeAddress(address);
  if (!addresses.includes(addr)) {
    throw new ExtensionError('invalid_key', `The key carries no user ID for ${addr}.`);
  }
  const existing = await records.contact(addr);
  if (!existing) {
    const fresh: ContactRecord = {
      address: addr,
      fingerprint,
      armoredKey,
      source,
      firstSeen: now,
      lastUsed: null,
      verified: false,
    };
    await records.putContact(fresh);
    return fresh;
  }
  if (existing.fingerprint === fingerprint) {
    // Same key, perhaps with new signatures (e.g. a revocation): keep the newest copy.
    const { pendingChange: _dropped, ...rest } = existing;
    const same: ContactRecord = { ...rest, armoredKey };
    await records.putContact(same);
    return same;
  }
  if (existing.pendingChange?.fingerprint === fingerprint) return existing;
  const changed: ContactRecord = {
    ...existing,
    pendingChange: { fingerprint, armoredKey, source, seenAt: now, ...(loggedAt ? { loggedAt } : {}) },
  };
  await records.putContact(changed);
  await records.log('contact_key_changed', `${addr}: ${existing.fingerprint} → ${fingerprint} (${source})`);
  return changed;
}

/**
 * The user accepted the pending change(s): the new OpenPGP key and/or envelope identity become
 * pinned, unverified.
 */
export async function acceptKeyChange(records: Records, address: string): Promise<ContactRecord> {
  const c = await records.contact(address);
  const envelopeChange = c?.envelope?.pendingChange;
  if (!c || (!c.pendingChange && !envelopeChange))
    throw new ExtensionError('not_found', 'No pending key change for this contact.');
  let next: ContactRecord = { ...c };
  if (c.pendingChange) {
    const { pendingChange: _accepted, ...rest } = c;
    next = {
      ...rest,
      fingerprint: c.pendingChange.fingerprint,
      armoredKey: c.pendingChange.armoredKey,
      source: c.pendingChange.source,
      verified: false,
    };
    await records.log('contact_key_changed', `${c.address}: accepted ${next.fingerprint}`);
  }
  if (envelopeChange) {
    next = {
      ...next,
      envelope: {
        fingerprint: envelopeChange.fingerprint,
        firstSeen: envelopeChange.seenAt,
        verified: false,
      },
    };
    await records.log('envelope_identity_changed', `${c.address}: accepted ${envelopeChange.fingerprint}`);
  }
  await records.putContact(next);
  return next;
}

/**
 * Marks verified what the fingerprint the user compared (spaces and case ignored) names: the
 * pinned OpenPGP key or the pinned envelope identity.
 */
export async function verifyContact(
  records: Records,
  address: string,
  typed: string,
): Promise<ContactRecord> {
  const c = await records.contact(address);
  if (!c) throw new ExtensionError('not_found', 'No such contact.');
  const normalized = typed.replace(/\s+/g, '').toUpperCase();
  const next =
    normalized === c.fingerprint
      ? { ...c, verified: true }
      : c.envelope && normalized === c.envelope.fingerprint
        ? { ...c, envelope: { ...c.envelope, verified: true } }
        : null;
  if (!next) {
    throw new ExtensionError(
      'invalid_key',
      'The fingerprint does not match the pinned key. Do not trust this key.',
    );
  }
  await records.putContact(next);
  return next;
}

/** How display names compare: Unicode-normalized, case-folded, spaces collapsed. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('und').replace(/\s+/g, ' ').trim();
}

/**
 * Contacts whose key has a user ID with exactly this display name, for a webmail that shows a
 * recipient by name only (Outlook's pills). Several matches are all returned: the user picks.
 */
export async function contactsNamed(
  contacts: ContactRecord[],
  name: string,
): Promise<{ address: string; userId: string }[]> {
  const wanted = nameKey(name);
  if (!wanted) return [];
  const out: { address: string; userId: string }[] = [];
  for (const c of contacts) {
    let info: Awaited<ReturnType<typeof readKeyInfo>>;
    try {
      info = await readKeyInfo(c.armoredKey);
    } catch {
      continue;
    }
    const hit = info.userIds.find(
      (u) => u.name && normalizeAddress(u.email) === c.address && nameKey(u.name) === wanted,
    );
    if (hit) out.push({ address: c.address, userId: hit.raw });
  }
  return out;
}
