// The message body, part by part. When parts differ in what protects them (text around an inline
// block, a signed part next to an unsigned one, a forwarded message), each is drawn in its own
// box under a line saying what covers it ("Johnny, you are fired", USENIX Security 2019: the
// reader must see where the signed or encrypted text ends).

import type { PartView, ReadView, SignatureView } from '../../overlay/protocol.ts';
import { t } from '../../platform/browser.ts';
import { HtmlBody, TextBody } from './Body.tsx';

function signer(s: SignatureView): string {
  return s.signerUserIds[0] ?? `key ${s.keyId}`;
}

/** What covers one part, in words. */
function label(p: PartView): string {
  const words: string[] = [];
  if (p.encrypted) words.push(t('readPartEncrypted'));
  else if (p.claimsEncryption) words.push(t('readClaimsEncryption'));
  for (const s of p.signatures) {
    if (s.status === 'valid') words.push(t('readPartSignedBy', signer(s)));
    else if (s.status === 'invalid') words.push(t('readPartBadSignature', signer(s)));
    else words.push(t('readPartUnknownSigner', s.keyId));
  }
  if (p.signatureMissing) words.push(t('readWarnSignatureMissing'));
  if (p.signedTextDamaged) words.push(t('readWarnSignedTextDamaged'));
  if (words.length === 0) words.push(t('readPartNotProtected'));
  return words.join(' · ');
}

function protectedPart(p: PartView): boolean {
  return p.encrypted || p.signatures.some((s) => s.status === 'valid');
}

function Body(props: { part: PartView }) {
  const p = props.part;
  return p.html !== null ? (
    <HtmlBody html={p.html} hasRemote={p.hasRemoteContent} />
  ) : (
    <TextBody text={p.text} />
  );
}

export function Parts(props: { view: Extract<ReadView, { kind: 'message' }> }) {
  const { parts, verdict } = props.view;
  const whole =
    parts.length === 1 && !verdict.partial.encrypted && !verdict.partial.signed && !parts[0]!.forwardedFrom;
  if (whole) return <Body part={parts[0]!} />;
  return (
    <div data-testid="parts">
      {parts.map((p, i) => (
        <section
          key={i}
          class={`part ${protectedPart(p) ? 'part-protected' : 'part-unprotected'}`}
          data-testid="part"
          data-protected={protectedPart(p) ? 'true' : 'false'}
        >
          <div class={`part-label ${protectedPart(p) ? 'ok' : 'warn'}`} data-testid="part-label">
            {p.forwardedFrom ? `${t('readPartForwarded', p.forwardedFrom)} · ` : ''}
            {label(p)}
          </div>
          <Body part={p} />
        </section>
      ))}
    </div>
  );
}
