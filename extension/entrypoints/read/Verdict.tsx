// The verdict bar: always shown above any plaintext. What protected the message, who signed it,
// and a strong warning when the signer is not the sender the webmail shows ("Johnny, you are
// fired", USENIX Security 2019: say exactly who signed and whether that is the sender).

import { useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { SignatureView, VerdictView } from '../../overlay/protocol.ts';
import { SecurityMark } from '../../ui/SecurityMark.tsx';

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
          setState('Looking up…');
          call('contacts.lookup', { address: props.address as string })
            .then((c) => setState(`Found key ${c.fingerprint}; reopen the message to check the signature.`))
            .catch((e: Error) => setState(e.message));
        }}
      >
        Look up the sender's key
      </button>
      {state && <span class="muted">{state}</span>}
    </span>
  );
}

export function Verdict(props: { verdict: VerdictView }) {
  const v = props.verdict;
  const valid = v.signatures.filter((s) => s.status === 'valid');
  const mismatched = valid.filter((s) => s.signerMatchesSender === false);
  const unknown = v.signatures.filter((s) => s.status === 'unknown_key');
  const invalid = v.signatures.filter((s) => s.status === 'invalid');
  return (
    <div class="verdict" data-testid="verdict" role="status">
      <SecurityMark />
      {v.encrypted ? (
        <div class="badge ok" data-testid="verdict-encrypted">
          🔒 Encrypted — {v.cipher}
          {v.subjectProtected ? ' · subject protected' : ''}
          {v.partial.encrypted ? ' · only part of this message was encrypted' : ''}
        </div>
      ) : (
        <div class="badge warn" data-testid="verdict-encrypted">
          Not encrypted (signed text only)
        </div>
      )}
      {mismatched.map((s) => (
        <div class="badge danger" data-testid="verdict-mismatch" key={s.keyId}>
          ⚠ Signed by {signerName(s)}, but the webmail shows it as from {v.displayedSender ?? 'nobody'}. Do
          not trust who sent this message.
        </div>
      ))}
      {valid
        .filter((s) => s.signerMatchesSender !== false)
        .map((s) => (
          <div class="badge ok" data-testid="verdict-signed" key={s.keyId}>
            ✔ Signed by {signerName(s)}
            {s.fingerprint ? ` (${s.fingerprint.slice(-16)})` : ''}
            {v.signedBySender ? ' — the sender' : ''}
          </div>
        ))}
      {invalid.map((s) => (
        <div class="badge danger" data-testid="verdict-bad-signature" key={s.keyId}>
          ✖ The signature by {signerName(s)} does not verify: the message may have been altered.
        </div>
      ))}
      {unknown.map((s) => (
        <div class="badge warn" data-testid="verdict-unknown-key" key={s.keyId}>
          Signed by an unknown key ({s.keyId}): the signer cannot be checked.{' '}
          <LookUp address={v.displayedSender} />
        </div>
      ))}
      {v.signatures.length === 0 && (
        <div class="badge warn" data-testid="verdict-unsigned">
          Not signed: anyone could have written this.
        </div>
      )}
    </div>
  );
}
