// What the read frame receives of a read: shared/reader's result as the view protocol carries it
// (overlay/protocol.ts). Signatures are named per part so the frame can draw what covers what.

import { toBase64 } from '../../shared/encoding.ts';
import type { SignatureVerdict } from '../../shared/pgp/verdict.ts';
import { type ReadResult, verdictClass } from '../../shared/reader/index.ts';
import type { PartView, ReadView, SignatureView, VerdictView } from '../overlay/protocol.ts';

function signatureView(s: SignatureVerdict): SignatureView {
  return {
    keyId: s.keyId,
    fingerprint: s.signerFingerprint ?? null,
    status: s.status,
    signerUserIds: s.signerUserIds,
    signerMatchesSender: s.signerMatchesFrom,
  };
}

function cipherOf(result: ReadResult): string {
  const v = result.verdict;
  if (v.format === 'envelope') return 'Noise envelope (X3DH, AES-256-GCM)';
  if (!v.encrypted) return 'not encrypted';
  return v.integrityProtected ? 'OpenPGP (integrity protected)' : 'OpenPGP';
}

export function verdictView(result: ReadResult, displayedSender: string | null): VerdictView {
  const v = result.verdict;
  return {
    format: v.format,
    encrypted: v.encrypted,
    integrityProtected: v.integrityProtected,
    cipher: cipherOf(result),
    signatures: v.signatures.map(signatureView),
    signedBySender: v.signedBySender,
    displayedSender,
    subjectProtected: v.subjectProtected === true,
    partial: v.partial,
    headerMismatch: v.headerMismatch ?? [],
    warnings: v.warnings.map((w) => ({
      code: w.code,
      ...(w.reason ? { reason: w.reason } : {}),
      ...(w.signed ? { signed: w.signed.getTime() } : {}),
      ...(w.date ? { date: w.date.getTime() } : {}),
      ...(w.shown ? { shown: w.shown } : {}),
      ...(w.mailFrom ? { mailFrom: w.mailFrom } : {}),
    })),
    verdictClass: verdictClass(v),
    // envelope-v1 §4.6: a re-read from the copy kept at the first open says when that was.
    firstOpenedAt: result.envelopes.find((e) => e.firstOpenedAt !== null)?.firstOpenedAt ?? null,
  };
}

export function messageView(
  result: ReadResult,
  req: { displayedSender: string | null; clipped: boolean; fullViewUrl: string | null },
): ReadView {
  const parts: PartView[] = result.parts.map((p) => ({
    text: p.text,
    html: p.html ?? null,
    hasRemoteContent: p.hasRemoteContent,
    encrypted: p.protection.encrypted,
    claimsEncryption: p.protection.claimsEncryption,
    signatureMissing: p.protection.signatureMissing,
    signedTextDamaged: p.protection.signedTextDamaged,
    signatures: p.protection.signatures.map(signatureView),
    forwardedFrom: p.forwarded?.from?.address ?? null,
  }));
  return {
    kind: 'message',
    verdict: verdictView(result, req.displayedSender),
    subject: result.verdict.subjectProtected ? (result.headers.subject ?? null) : null,
    parts,
    attachments: result.attachments.map((a) => ({
      name: a.filename,
      type: a.contentType,
      size: a.data.length,
      data: toBase64(a.data),
      encrypted: a.protection.encrypted,
      signed: a.protection.signatures.some((s) => s.status === 'valid'),
    })),
    clipped: req.clipped,
    fullViewUrl: req.fullViewUrl,
  };
}
