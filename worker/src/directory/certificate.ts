// The directory's canonical form of a key, taken apart into the parts an upload is merged by
// (merge.ts: the union, the way keys.openpgp.org (Hagrid) and gpg do it) and assembled again.
// Every signature of an upload is verified on its own against the part it belongs to (RFC 9580
// §5.2.4); what does not verify, and anything a third party signed, is dropped. Nothing in an
// upload can remove a signature the stored copy holds, so a revocation, once stored, stays (and
// with openpgp.js, as with gpg, a later self-signature does not outrank it).
// Only public openpgp.js API: Key.toPacketList, SignaturePacket.verify, PacketList, PublicKey.

import * as openpgp from 'openpgp';
import { normalizeAddress } from '../../../shared/address.ts';
import { toHex } from '../../../shared/encoding.ts';
import { FULL_CONFIG } from '../../../shared/pgp/config.ts';
import { ApiError } from '../http/errors.ts';
import { union } from './merge.ts';

const SIG = openpgp.enums.signature;
const ALG = openpgp.enums.publicKey;
type Sig = openpgp.SignaturePacket;

/** Signatures of one kind one part keeps: the newest self-signatures, the oldest revocations. */
const KEPT_PER_KIND = 4;

/** RFC 9580 §5.2.3.29 key flags. */
const FLAG_CERTIFY = 0x01;
const FLAG_SIGN = 0x02;
const FLAG_ENCRYPT = 0x04 | 0x08;
const ENCRYPTING_ALGORITHMS = new Set<number>([
  ALG.rsaEncryptSign,
  ALG.rsaEncrypt,
  ALG.elgamal,
  ALG.ecdh,
  ALG.x25519,
  ALG.x448,
]);

interface UserPart {
  packet: openpgp.UserIDPacket;
  certifications: Sig[];
  revocations: Sig[];
}

interface SubkeyPart {
  packet: openpgp.PublicSubkeyPacket;
  bindings: Sig[];
  revocations: Sig[];
  /** A binding carries the subkey's own back-signature (0x19): its holder made it. */
  proven: boolean;
}

/** A key taken apart into its verified pieces. */
export interface KeyParts {
  primary: openpgp.PublicKeyPacket;
  revocations: Sig[];
  direct: Sig[];
  users: Map<string, UserPart>;
  subkeys: Map<string, SubkeyPart>;
}

async function verifies(
  sig: Sig,
  key: openpgp.PublicKeyPacket | openpgp.PublicSubkeyPacket,
  data: object,
): Promise<boolean> {
  if (!sig.created || sig.signatureType === null) return false;
  try {
    // Checked as of its own creation time: cryptographic validity (and the policy's hash and
    // algorithm rules), not whether it has expired or been revoked since; that is judged when
    // the key is used, from everything the merge keeps.
    await sig.verify(key, sig.signatureType, data, sig.created, false, FULL_CONFIG);
    return true;
  } catch {
    return false;
  }
}

function issuedBy(sig: Sig, key: openpgp.PublicKeyPacket | openpgp.PublicSubkeyPacket): boolean {
  if (!sig.issuerKeyID.equals(key.getKeyID())) return false;
  const fpr = sig.issuerFingerprint;
  return !fpr || toHex(fpr) === toHex(key.getFingerprintBytes() ?? new Uint8Array());
}

/**
 * RFC 9580 §5.2.1: a binding of a signing-capable subkey must carry the subkey's 0x19 back
 * signature. A binding that claims encryption for an algorithm that cannot encrypt binds
 * nothing usable (and would let anyone bind someone else's signing key as "their" subkey).
 */
async function bindingState(
  sig: Sig,
  primary: openpgp.PublicKeyPacket,
  subkey: openpgp.PublicSubkeyPacket,
): Promise<{ valid: boolean; proven: boolean }> {
  const invalid = { valid: false, proven: false };
  const flags = sig.keyFlags?.[0] ?? 0;
  if (flags === 0) return invalid;
  if (flags & FLAG_ENCRYPT && !ENCRYPTING_ALGORITHMS.has(subkey.algorithm)) return invalid;
  const data = { key: primary, bind: subkey };
  if (!(await verifies(sig, primary, data))) return invalid;
  const back = sig.embeddedSignature;
  const proven =
    back !== null &&
    back.signatureType === SIG.keyBinding &&
    issuedBy(back, subkey) &&
    (await verifies(back, subkey, data));
  if (flags & (FLAG_CERTIFY | FLAG_SIGN) && !proven) return invalid;
  return { valid: true, proven };
}

/**
 * Takes `key` apart, keeping only what its own primary key signed and what verifies. With
 * `trusted` (the directory's stored copy, verified when it was stored) signatures are not
 * checked again.
 */
export async function keyParts(key: openpgp.PublicKey, trusted = false): Promise<KeyParts> {
  const primary = key.keyPacket as openpgp.PublicKeyPacket;
  const parts: KeyParts = {
    primary,
    revocations: [],
    direct: [],
    users: new Map(),
    subkeys: new Map(),
  };
  const own = async (sig: Sig, signer: openpgp.PublicKeyPacket, data: object) =>
    issuedBy(sig, signer) && (trusted || (await verifies(sig, signer, data)));
  let user: UserPart | null = null;
  let subkey: SubkeyPart | null = null;
  let inAttribute = false;
  for (const packet of key.toPacketList()) {
    if (packet instanceof openpgp.UserIDPacket) {
      user = parts.users.get(packet.userID) ?? { packet, certifications: [], revocations: [] };
      parts.users.set(packet.userID, user);
      subkey = null;
      inAttribute = false;
    } else if (packet instanceof openpgp.UserAttributePacket) {
      // Photo IDs are never published (keys.openpgp.org does the same).
      user = null;
      inAttribute = true;
    } else if (packet instanceof openpgp.PublicSubkeyPacket) {
      const fpr = packet.getFingerprint().toUpperCase();
      subkey = parts.subkeys.get(fpr) ?? { packet, bindings: [], revocations: [], proven: false };
      parts.subkeys.set(fpr, subkey);
      user = null;
      inAttribute = false;
    } else if (packet instanceof openpgp.SignaturePacket) {
      const type = packet.signatureType;
      if (subkey) {
        const data = { key: primary, bind: subkey.packet };
        if (type === SIG.subkeyBinding && issuedBy(packet, primary)) {
          const state = trusted
            ? { valid: true, proven: packet.embeddedSignature?.signatureType === SIG.keyBinding }
            : await bindingState(packet, primary, subkey.packet);
          if (state.valid) {
            subkey.bindings.push(packet);
            subkey.proven ||= state.proven;
          }
        } else if (type === SIG.subkeyRevocation && (await own(packet, primary, data)))
          subkey.revocations.push(packet);
      } else if (user) {
        const data = { userID: user.packet, key: primary };
        if (type === SIG.certRevocation) {
          if (await own(packet, primary, data)) user.revocations.push(packet);
        } else if (
          type !== null &&
          type >= SIG.certGeneric &&
          type <= SIG.certPositive &&
          (await own(packet, primary, data))
        )
          user.certifications.push(packet);
      } else if (!inAttribute) {
        const data = { key: primary };
        if (type === SIG.keyRevocation && (await own(packet, primary, data))) parts.revocations.push(packet);
        else if (type === SIG.key && (await own(packet, primary, data))) parts.direct.push(packet);
      }
    }
  }
  // A part with only revocations stays: merged with the stored copy, it revokes what is stored.
  for (const [id, u] of parts.users)
    if (u.certifications.length === 0 && u.revocations.length === 0) parts.users.delete(id);
  return parts;
}

/** Adds a lone revocation signature (a revocation certificate) if it revokes this primary key. */
export async function withKeyRevocation(parts: KeyParts, sig: Sig): Promise<KeyParts | null> {
  if (sig.signatureType !== SIG.keyRevocation || !issuedBy(sig, parts.primary)) return null;
  if (!(await verifies(sig, parts.primary, { key: parts.primary }))) return null;
  return { ...parts, revocations: union(parts.revocations, [sig]) };
}

const created = (s: Sig) => s.created?.getTime() ?? 0;

/** Newest first, but signatures dated more than a day ahead (not yet valid) last. */
function newest(sigs: Sig[]): Sig[] {
  const soon = Date.now() + 86_400_000;
  const rank = (s: Sig) => (created(s) > soon ? -created(s) : created(s) + 2 ** 50);
  return [...sigs].sort((a, b) => rank(b) - rank(a)).slice(0, KEPT_PER_KIND);
}

function oldest(sigs: Sig[]): Sig[] {
  return [...sigs].sort((a, b) => created(a) - created(b)).slice(0, KEPT_PER_KIND);
}

/**
 * Builds the key from its parts, keeping user IDs whose email `keepEmail` accepts (lowercased),
 * and at most KEPT_PER_KIND signatures of each kind per part.
 */
export function assemble(parts: KeyParts, keepEmail: (email: string) => boolean): openpgp.PublicKey {
  const list = new openpgp.PacketList<openpgp.AnyPacket>();
  list.push(parts.primary, ...oldest(parts.revocations), ...newest(parts.direct));
  for (const u of parts.users.values()) {
    if (u.certifications.length === 0) continue;
    if (!u.packet.email || !keepEmail(normalizeAddress(u.packet.email))) continue;
    list.push(u.packet, ...oldest(u.revocations), ...newest(u.certifications));
  }
  for (const s of parts.subkeys.values()) {
    if (s.bindings.length === 0) continue;
    list.push(s.packet, ...oldest(s.revocations), ...newest(s.bindings));
  }
  try {
    return new openpgp.PublicKey(list);
  } catch {
    throw new ApiError(400, 'malformed_key', 'The OpenPGP key cannot be assembled.');
  }
}

/** Subkeys of the parts, for the lookup index. */
export function subkeysOf(parts: KeyParts): { fingerprint: string; keyId: string; proven: boolean }[] {
  return [...parts.subkeys.entries()]
    .filter(([, s]) => s.bindings.length > 0)
    .map(([fingerprint, s]) => ({
      fingerprint,
      keyId: s.packet.getKeyID().toHex().toUpperCase(),
      proven: s.proven,
    }));
}
