// Create: server, address verified by a mailed code, optional service inbox, passphrase with
// a zxcvbn-ts strength meter; then keys are made in the background with a progress view.

import { useEffect, useState } from 'preact/hooks';
import { isAddress } from '../../../shared/address.ts';
import { call } from '../../messages/client.ts';
import type { Status } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { AccountFields } from '../../ui/AccountFields.tsx';
import { ErrorText, Field, Notice } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';
import { ProgressView } from '../../ui/ProgressView.tsx';
import { StrengthMeter } from '../../ui/StrengthMeter.tsx';
import { exampleServiceDomain } from '../../ui/service-domain.ts';
import { MIN_SCORE, preloadStrength } from '../../ui/strength.ts';

export function CreateForm(props: { serverUrl: string; onDone: (s: Status) => void; onBack: () => void }) {
  const [serverUrl, setServerUrl] = useState(props.serverUrl);
  const [address, setAddress] = useState('');
  const [codeSentTo, setCodeSentTo] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [inbox, setInbox] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [score, setScore] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(preloadStrength, []);

  async function sendCode() {
    setError(null);
    setBusy(true);
    try {
      const r = await call('account.sendCode', { serverUrl, address: address.trim() });
      setCodeSentTo(r.sentTo);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  async function create(e: Event) {
    e.preventDefault();
    setError(null);
    if (passphrase !== confirm) return setError(t('passphraseMismatch'));
    if (score < MIN_SCORE) return setError(t('passphraseWeak'));
    setBusy(true);
    try {
      const status = await call('account.create', {
        serverUrl,
        address: address.trim(),
        code: code.trim(),
        passphrase,
        ...(inbox.trim() ? { claimInbox: inbox.trim() } : {}),
      });
      props.onDone(status);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  if (busy && codeSentTo) {
    return (
      <section aria-labelledby="create-h">
        <h2 id="create-h">{t('creatingHeading')}</h2>
        <ProgressView />
        <ErrorText message={error} />
      </section>
    );
  }

  return (
    <form onSubmit={create} aria-labelledby="create-h" data-testid="create-form">
      <h2 id="create-h">{t('createHeading')}</h2>
      <AccountFields
        serverUrl={serverUrl}
        onServerUrl={setServerUrl}
        address={address}
        onAddress={setAddress}
        addressHint={t('addressHint')}
      />
      <button
        type="button"
        class="secondary"
        onClick={sendCode}
        disabled={busy || !isAddress(address.trim())}
        data-testid="send-code"
      >
        {t('sendCode')}
      </button>
      {codeSentTo && <Notice>{t('codeSent', codeSentTo)}</Notice>}
      {codeSentTo && (
        <>
          <Field
            label={t('codeLabel')}
            name="code"
            inputMode="numeric"
            pattern="[0-9]{6}"
            value={code}
            onInput={setCode}
            required
          />
          <Field
            label={t('inboxLabel')}
            hint={t('inboxHint', `${address.split('@')[0] || 'ada'}@${exampleServiceDomain(serverUrl)}`)}
            name="inbox"
            type="email"
            value={inbox}
            onInput={setInbox}
          />
          <Field
            label={t('newPassphraseLabel')}
            hint={t('newPassphraseHint')}
            name="passphrase"
            type="password"
            autoComplete="new-password"
            value={passphrase}
            onInput={setPassphrase}
            required
          />
          <StrengthMeter passphrase={passphrase} userInputs={[address]} onScore={setScore} />
          <Field
            label={t('confirmPassphraseLabel')}
            name="confirm"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onInput={setConfirm}
            required
          />
        </>
      )}
      <ErrorText message={error} />
      <div class="choices">
        <button type="button" class="secondary" onClick={props.onBack}>
          {t('back')}
        </button>
        {codeSentTo && (
          <button type="submit" data-testid="create-submit" disabled={busy || score < MIN_SCORE || !code}>
            {t('createAccount')}
          </button>
        )}
      </div>
    </form>
  );
}
