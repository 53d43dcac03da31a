// One verdict for a whole mail, from what each part's own layers did (docs/verdicts.md). Every
// field is derived from the parts; nothing is taken from a wrapper's claim.

import { addressOf } from '../address-fields.ts';
import {
  emptyVerdict,
  type HeaderName,
  type SignatureVerdict,
  userIdsContainAddress,
} from '../pgp/verdict.ts';
import type { MailContent } from './mime-walk.ts';
import { mailDate, type SenderCheck, SIGNATURE_DATE_SKEW_MS } from './sender.ts';
import type {
  ForwardedInfo,
  MailAddress,
  MessageHeaders,
  MessageVerdict,
  Protection,
  ReadAttachment,
  ReadPart,
  VerdictWarning,
} from './types.ts';

function addressSet(list: readonly MailAddress[]): string {
  return [...new Set(list.map((a) => addressOf(a.address)))].sort().join(',');
}

/**
 * Protected headers that name other people than the outer ones (draft-ietf-lamps-header-protection
 * §9.1 on forged outer headers). The outer Subject differs by design ("[...]") and is not compared;
 * display names are not compared either, only addresses; an absent inner To/Cc is no claim.
 */
export function headerMismatch(outer: MessageHeaders, inner: MessageHeaders): HeaderName[] {
  const out: HeaderName[] = [];
  if (inner.from && addressOf(inner.from.address) !== addressOf(outer.from?.address ?? '')) out.push('from');
  if (inner.to.length > 0 && addressSet(inner.to) !== addressSet(outer.to)) out.push('to');
  if (inner.cc.length > 0 && addressSet(inner.cc) !== addressSet(outer.cc)) out.push('cc');
  return out;
}

type Item = { protection: Protection; forwarded?: ForwardedInfo };

/** Parts a reader sees: text that is more than blanks, any HTML, any attachment. */
function shownItems(parts: readonly ReadPart[], attachments: readonly ReadAttachment[]): Item[] {
  return [...parts.filter((p) => /\S/.test(p.text) || p.html !== undefined), ...attachments];
}

/**
 * Each signature with signerMatchesFrom set against the sender it belongs to: the mail's (when
 * one clear address) or the forwarded message's From. Returns the old → new mapping.
 */
function matchSigners(content: MailContent, sender: string | null): Map<SignatureVerdict, SignatureVerdict> {
  const mapped = new Map<SignatureVerdict, SignatureVerdict>();
  const all = new Set<SignatureVerdict>();
  for (const item of [...content.parts, ...content.attachments])
    for (const s of item.protection.signatures) all.add(s);
  for (const s of all) {
    const owner = content.signatureOwners.get(s);
    const from = owner ? (owner.from?.address ?? null) : sender;
    mapped.set(s, { ...s, signerMatchesFrom: from ? userIdsContainAddress(s.signerUserIds, from) : null });
  }
  return mapped;
}

function remap<T extends Item>(item: T, mapped: Map<SignatureVerdict, SignatureVerdict>): T {
  const signatures = item.protection.signatures.map((s) => mapped.get(s) ?? s);
  return { ...item, protection: { ...item.protection, signatures } };
}

function signatureTimeWarnings(
  signatures: readonly SignatureVerdict[],
  date: Date | undefined,
): VerdictWarning[] {
  if (!date) return [];
  return signatures
    .filter((s) => s.created && Math.abs(s.created.getTime() - date.getTime()) > SIGNATURE_DATE_SKEW_MS)
    .map((s) => ({ code: 'signature_time' as const, signed: s.created!, date }));
}

interface AssembledMail {
  parts: ReadPart[];
  attachments: ReadAttachment[];
  verdict: MessageVerdict;
  headers: MessageHeaders;
  protectedHeaders?: MessageHeaders;
}

export function assemble(content: MailContent, outer: MessageHeaders, sender: SenderCheck): AssembledMail {
  const mapped = matchSigners(content, sender.address);
  const parts = content.parts.map((p) => remap(p, mapped));
  const attachments = content.attachments.map((a) => remap(a, mapped));
  const items = shownItems(parts, attachments);
  const forwarded = new Set([...content.signatureOwners.keys()].map((k) => mapped.get(k)));
  const own = (s: SignatureVerdict) => !forwarded.has(s);
  const signatures = [...new Set(items.flatMap((i) => i.protection.signatures))].filter(own);
  const encrypted = items.some((i) => i.protection.encrypted);
  const signedItems = items.filter((i) => i.protection.signatures.some(own));
  const warnings: VerdictWarning[] = [...sender.warnings];
  const flag = (code: VerdictWarning['code'], when: boolean) => {
    if (when) warnings.push({ code });
  };
  flag(
    'claims_encryption',
    items.some((i) => i.protection.claimsEncryption),
  );
  flag(
    'signature_missing',
    items.some((i) => i.protection.signatureMissing),
  );
  flag(
    'signed_text_damaged',
    items.some((i) => i.protection.signedTextDamaged),
  );
  flag('nested_encryption', content.nestedEncryption);
  warnings.push(...signatureTimeWarnings(signatures, mailDate(outer.date)));
  const forwardedSignatures = [...content.signatureOwners].map(([s, f]) => [mapped.get(s) ?? s, f] as const);
  for (const [s, f] of forwardedSignatures) warnings.push(...signatureTimeWarnings([s], mailDate(f.date)));

  const headers = { ...outer };
  const inner = content.protectedHeaders?.headers;
  let mismatch: HeaderName[] = [];
  if (inner) {
    if (inner.subject !== undefined) headers.subject = inner.subject;
    if (inner.to.length) headers.to = inner.to;
    if (inner.cc.length) headers.cc = inner.cc;
    mismatch = headerMismatch(outer, inner);
    flag('header_mismatch', mismatch.length > 0);
  }
  const verdict: MessageVerdict = {
    ...emptyVerdict(content.envelopes.length > 0 ? 'envelope' : 'pgp'),
    encrypted,
    integrityProtected: encrypted,
    signatures,
    signedBySender:
      sender.address !== null && signatures.some((s) => s.status === 'valid' && s.signerMatchesFrom === true),
    // Partial unless one layer covers everything shown: separately protected pieces can be
    // put together by anyone ("Johnny, you are fired": wrapping genuine parts in a new mail).
    partial: {
      encrypted:
        encrypted &&
        (items.some((i) => !i.protection.encrypted) ||
          new Set(items.map((i) => i.protection.encryptionIndex)).size > 1),
      signed:
        signedItems.length > 0 &&
        !signatures.some((s) => items.every((i) => i.protection.signatures.includes(s))),
    },
    subjectProtected: inner?.subject !== undefined,
    headerMismatch: mismatch,
    hasRemoteContent: parts.some((p) => p.hasRemoteContent),
    hasActiveContent: parts.some((p) => p.hasActiveContent),
    warnings,
  };
  return { parts, attachments, verdict, headers, ...(inner ? { protectedHeaders: inner } : {}) };
}
