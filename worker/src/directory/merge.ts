// Merge-on-publish (docs/api.md, directory): an upload joins the stored copy of a key as the
// union of their signatures, part by part, the way keys.openpgp.org (Hagrid) and gpg merge. A
// signature is one part of the union once, whatever copy it came in; nothing is ever removed
// here, so a stored revocation stays. Which signatures may enter is certificate.ts's check.

import type * as openpgp from 'openpgp';
import { toHex } from '../../../shared/encoding.ts';
import { ApiError } from '../http/errors.ts';
import type { KeyParts } from './certificate.ts';
import { KEY_PART_LIMITS } from './packets.ts';

type Sig = openpgp.SignaturePacket;

const sigId = (sig: Sig) => toHex(sig.write());

/** `into` with the signatures of `from` it does not hold yet. */
export function union(into: Sig[], from: Sig[]): Sig[] {
  const seen = new Set(into.map(sigId));
  return [...into, ...from.filter((s) => !seen.has(sigId(s)))];
}

/** `base` with `extra`'s entries added, entries under one key combined. */
function mergeMap<T>(
  base: Map<string, T>,
  extra: Map<string, T>,
  combine: (have: T, more: T) => T,
): Map<string, T> {
  const out = new Map(base);
  for (const [key, more] of extra) {
    const have = out.get(key);
    out.set(key, have ? combine(have, more) : more);
  }
  return out;
}

/** The union of two part sets of one primary key: `base` (stored) first, then `extra`. */
export function mergeParts(base: KeyParts, extra: KeyParts): KeyParts {
  if (base.primary.getFingerprint() !== extra.primary.getFingerprint())
    throw new ApiError(400, 'bad_signature', 'The upload is not the stored key.');
  const users = mergeMap(base.users, extra.users, (have, more) => ({
    packet: have.packet,
    certifications: union(have.certifications, more.certifications),
    revocations: union(have.revocations, more.revocations),
  }));
  const subkeys = mergeMap(base.subkeys, extra.subkeys, (have, more) => ({
    packet: have.packet,
    bindings: union(have.bindings, more.bindings),
    revocations: union(have.revocations, more.revocations),
    proven: have.proven || more.proven,
  }));
  if (subkeys.size > KEY_PART_LIMITS.subkeys)
    throw new ApiError(
      400,
      'too_many_subkeys',
      `A key may carry at most ${KEY_PART_LIMITS.subkeys} subkeys.`,
    );
  if (users.size > KEY_PART_LIMITS.userIds)
    throw new ApiError(
      400,
      'too_many_user_ids',
      `A key may carry at most ${KEY_PART_LIMITS.userIds} user IDs.`,
    );
  return {
    primary: base.primary,
    revocations: union(base.revocations, extra.revocations),
    direct: union(base.direct, extra.direct),
    users,
    subkeys,
  };
}

/**
 * Leaves out subkeys without a valid binding (and a subkey that is the primary key itself);
 * returns what is left and the fingerprints left out, so the publish answer can say so.
 */
export function withoutUnbound(parts: KeyParts): { parts: KeyParts; unbound: string[] } {
  const subkeys = new Map(parts.subkeys);
  const unbound: string[] = [];
  const self = parts.primary.getFingerprint().toUpperCase();
  for (const [fpr, s] of subkeys) {
    if (s.bindings.length > 0 && fpr !== self) continue;
    subkeys.delete(fpr);
    unbound.push(fpr);
  }
  return { parts: { ...parts, subkeys }, unbound };
}
