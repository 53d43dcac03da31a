// The structured verdict every read returns: what was encrypted, what was signed and by whom.
// Shared by OpenPGP and the native envelope; formats add their own fields through `Verdict<X>`.
// "Johnny, you are fired" (USENIX Security 2019): a verdict must say what it covers and who signed.

import { addressOf } from '../address-fields.ts';

export type SignatureStatus = 'valid' | 'invalid' | 'unknown_key';

export interface SignatureVerdict {
  /** Primary key fingerprint (uppercase hex) of the signer, when we hold its key. */
  signerFingerprint?: string;
  /** Issuer key ID (uppercase hex) named by the signature. */
  keyId: string;
  status: SignatureStatus;
  signerUserIds: string[];
  /** Whether a signer user ID carries the message's From address; null when there is no From. */
  signerMatchesFrom: boolean | null;
  created?: Date;
}

export interface BaseVerdict {
  format: 'pgp' | 'envelope';
  encrypted: boolean;
  /** MDC (SEIPDv1), AEAD (SEIPDv2) or the envelope's AEAD was checked over the whole payload. */
  integrityProtected: boolean;
  signatures: SignatureVerdict[];
  /** True only if a valid signature's signer carries the From address. */
  signedBySender: boolean;
  /** Whether only a part of the message was encrypted or signed (MIME wrapping, inline armor in text). */
  partial: { encrypted: boolean; signed: boolean };
  /** The Subject shown came from encrypted protected headers (draft-ietf-lamps-header-protection). */
  subjectProtected?: boolean;
  /**
   * Protected headers whose addresses differ from the outer ones. The signer is checked against
   * the outer From (what the webmail shows); a reader must warn and never show the inner From as
   * the sender when 'from' is here. A differing Subject is normal (outer "[...]") and not listed.
   */
  headerMismatch?: HeaderName[];
}

export type HeaderName = 'from' | 'to' | 'cc';

/** A verdict with format-specific extensions, e.g. `Verdict<{ oneTimePrekeyUsed: boolean }>`. */
export type Verdict<Extra extends object = Record<never, never>> = BaseVerdict & Extra;

export function emptyVerdict(format: BaseVerdict['format']): BaseVerdict {
  return {
    format,
    encrypted: false,
    integrityProtected: false,
    signatures: [],
    signedBySender: false,
    partial: { encrypted: false, signed: false },
  };
}

export function userIdsContainAddress(userIds: readonly string[], from: string): boolean {
  const want = addressOf(from);
  return want !== '' && userIds.some((u) => addressOf(u) === want);
}

/** Recomputes signerMatchesFrom and signedBySender against a From address (or none). */
export function withFrom<V extends BaseVerdict>(verdict: V, from: string | null | undefined): V {
  const signatures = verdict.signatures.map((s) => ({
    ...s,
    signerMatchesFrom: from ? userIdsContainAddress(s.signerUserIds, from) : null,
  }));
  return {
    ...verdict,
    signatures,
    signedBySender: signatures.some((s) => s.status === 'valid' && s.signerMatchesFrom === true),
  };
}
