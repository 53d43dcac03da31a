// The verdict bar: always shown above any plaintext. What protected the message, who signed it,
// and a strong warning when the signer is not the sender the webmail shows ("Johnny, you are
// fired", USENIX Security 2019: say exactly who signed and whether that is the sender).

import { useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { SignatureView, VerdictView, WarningView } from '../../overlay/protocol.ts';
import { t } from '../../platform/browser.ts';
import { errorText } from '../failure-text.ts';
import { HelpLink } from '../HelpLink.tsx';
import { Icon } from '../Icon.tsx';
import { SecurityMark } from '../SecurityMark.tsx';

function signerName(s: SignatureView): string {
  return s.signerUserIds[0] ?? `key ${s.keyId}`;
}

function LookUp(props: { address: string | null }) {
  const [state, setState] = useState<string | null>(null);
  if (!props.address) return null;
  return (
    <span class="row">
      <button
        type="button"
        data-testid="lookup-key"
        onClick={() => {
          setState(t('readLookingUp'));
          call('contacts.lookup', { address: props.address as string })
            .then((c) => setState(t('readLookupFound', c.fingerprint)))
            .catch((e) => setState(errorText(e)));
        }}
      >
        {t('readLookup')}
      </button>
      {state && <span class="muted">{state}</span>}
    </span>
  );
}

function when(ms: number | undefined): string {
  return ms === undefined ? '?' : new Date(ms).toLocaleString();
}

function ambiguity(reason: string | undefined): string {
  if (reason === 'several_from_headers') return t('readWarnSeveralFromHeaders');
  if (reason === 'display_name_address') return t('readWarnDisplayNameAddress');
  return t('readWarnSeveralMailboxes');
}

/** One warning in words (docs/verdicts.md lists when each is set). */
function warningText(w: WarningView, v: VerdictView): string | null {
  switch (w.code) {
    case 'sender_ambiguous':
      return t('readWarnSenderAmbiguous', ambiguity(w.reason));
    case 'sender_differs':
      return t('readWarnSenderDiffers', [w.shown ?? '?', w.mailFrom ?? '?']);
    case 'signature_missing':
      return t('readWarnSignatureMissing');
    case 'signature_time':
      return t('readWarnSignatureTime', [when(w.signed), when(w.date)]);
    case 'signed_text_damaged':
      return t('readWarnSignedTextDamaged');
    case 'header_mismatch':
      return t('readWarnHeaderMismatch', v.headerMismatch.join(', '));
    case 'nested_encryption':
      return t('readWarnNestedEncryption');
    case 'sender_transparency_failed':
      return t('readWarnSenderTransparency', w.reason ?? '');
    default:
      // claims_encryption is said by the encryption badge itself.
      return null;
  }
}

/**
 * The sender's envelope identity against the one pinned for them (envelope-pins.ts), and when a
 * re-read comes from the copy kept at the first open (envelope-v1 §4.6).
 */
function IdentityPin(props: { verdict: VerdictView }) {
  const v = props.verdict;
  const pin = v.identityPin;
  const who = v.displayedSender ?? t('readNobody');
  return (
    <>
      {pin?.state === 'changed' && (
        <div class="badge danger" role="alert" data-testid="verdict-identity-changed">
          {t('readIdentityChanged', [
            who,
            pin.pinned.slice(-16),
            new Date(pin.firstSeen).toLocaleDateString(),
            pin.fingerprint.slice(-16),
          ])}
        </div>
      )}
      {pin?.state === 'first_seen' && (
        <div class="badge" data-testid="verdict-identity-new">
          {t('readIdentityFirstSeen', who)}
        </div>
      )}
      {v.firstOpenedAt !== null && (
        <div class="badge" data-testid="verdict-reread">
          {t('readReread', new Date(v.firstOpenedAt).toLocaleString())}
        </div>
      )}
    </>
  );
}

export function Verdict(props: { verdict: VerdictView }) {
  const v = props.verdict;
  const valid = v.signatures.filter((s) => s.status === 'valid');
  const mismatched = valid.filter((s) => s.signerMatchesSender === false);
  const unknown = v.signatures.filter((s) => s.status === 'unknown_key');
  const invalid = v.signatures.filter((s) => s.status === 'invalid');
  return (
    <div class="verdict" data-testid="verdict" data-verdict-class={v.verdictClass} role="status">
      <SecurityMark />
      {v.warnings.some((w) => w.code === 'claims_encryption') ? (
        <div class="badge danger" data-testid="verdict-encrypted" data-claims="true">
          {t('readClaimsEncryption')}
        </div>
      ) : v.encrypted ? (
        <div class="badge ok" data-testid="verdict-encrypted">
          <Icon name="lock" />
          {t('readEncrypted', t(v.format === 'envelope' ? 'cipherEnvelope' : 'cipherPgp'))}
          {v.subjectProtected ? ` · ${t('readSubjectProtected')}` : ''}
          {v.partial.encrypted ? ` · ${t('readPartlyEncrypted')}` : ''}
        </div>
      ) : (
        <div class="badge warn" data-testid="verdict-encrypted">
          {t('readNotEncrypted')}
        </div>
      )}
      {mismatched.map((s) => (
        <div class="badge danger" data-testid="verdict-mismatch" key={s.keyId}>
          {t('readMismatch', [signerName(s), v.displayedSender ?? t('readNobody')])}
        </div>
      ))}
      <IdentityPin verdict={v} />
      {valid
        .filter((s) => s.signerMatchesSender !== false)
        .map((s) => (
          <div class="badge ok" data-testid="verdict-signed" key={s.keyId}>
            {t('readSignedBy', signerName(s))}
            {s.fingerprint ? ` (${s.fingerprint.slice(-16)})` : ''}
            {v.signedBySender ? ` — ${t('readTheSender')}` : ''}
            {v.identityPin?.state === 'verified' && (
              <span data-testid="verdict-identity-verified"> ✔ {t('readIdentityVerified')}</span>
            )}
          </div>
        ))}
      {invalid.map((s) => (
        <div class="badge danger" data-testid="verdict-bad-signature" key={s.keyId}>
          {t('readBadSignature', signerName(s))}
        </div>
      ))}
      {unknown.map((s) => (
        <div class="badge warn" data-testid="verdict-unknown-key" key={s.keyId}>
          {t('readUnknownKey', s.keyId)} <LookUp address={v.displayedSender} />
        </div>
      ))}
      {v.signatures.length === 0 && (
        <div class="badge warn" data-testid="verdict-unsigned">
          {t('readUnsigned')}
        </div>
      )}
      {v.warnings.map((w, i) => {
        const text = warningText(w, v);
        return (
          text && (
            <div class="badge danger" data-testid="verdict-warning" data-code={w.code} key={`${w.code}${i}`}>
              {text}
            </div>
          )
        );
      })}
      <HelpLink topic="verdicts" label={t('readVerdictHelp')} />
    </div>
  );
}
