// Forgotten passphrase: the recovery code from the printed sheet (or the old passphrase with an
// exported backup file) opens the vault, and a new passphrase replaces the old one here and,
// when the server can be reached, on the server too (its passphrase-change route).

import { useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { Status } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ErrorText, Field } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';
import { ProgressView } from '../../ui/ProgressView.tsx';
import { StrengthMeter } from '../../ui/StrengthMeter.tsx';
import { MIN_SCORE } from '../../ui/strength.ts';

export function RecoverSection(props: {
  status: Status;
  /** serverUpdated false: the server still expects the old passphrase. */
  onRecovered: (status: Status, serverUpdated: boolean) => void;
}) {
  const needsFile = props.status.state === 'none';
  const [open, setOpen] = useState(false);
  const [method, setMethod] = useState<'code' | 'passphrase'>('code');
  const [secret, setSecret] = useState('');
  const [backup, setBackup] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [score, setScore] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function pickFile(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    setBackup(file ? await file.text() : null);
  }

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    if (passphrase !== confirm) return setError(t('passphraseMismatch'));
    if (needsFile && !backup) return setError(t('recoverNeedsFile'));
    setBusy(true);
    try {
      const out = await call('account.recover', {
        ...(method === 'code' ? { code: secret } : { passphrase: secret }),
        ...(backup ? { backup } : {}),
        newPassphrase: passphrase,
      });
      props.onRecovered(out.status, out.serverUpdated);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (!open)
    return (
      <p>
        <button type="button" class="secondary" data-testid="recover-open" onClick={() => setOpen(true)}>
          {needsFile ? t('recoverFromBackup') : t('recoverForgot')}
        </button>
      </p>
    );
  return (
    <section aria-labelledby="recover-h">
      <h2 id="recover-h">{t('recoverHeading')}</h2>
      <form onSubmit={submit} data-testid="recover-form">
        <fieldset>
          <legend>{t('recoverWith')}</legend>
          <label>
            <input
              type="radio"
              name="method"
              checked={method === 'code'}
              onChange={() => setMethod('code')}
            />{' '}
            {t('recoverWithCode')}
          </label>
          <label>
            <input
              type="radio"
              name="method"
              checked={method === 'passphrase'}
              onChange={() => setMethod('passphrase')}
            />{' '}
            {t('recoverWithPassphrase')}
          </label>
        </fieldset>
        <div class="field">
          <label for="recover-file">{needsFile ? t('recoverFileRequired') : t('recoverFileOptional')}</label>
          <input
            id="recover-file"
            name="backup"
            type="file"
            accept=".json,application/json"
            onChange={pickFile}
          />
        </div>
        <Field
          label={method === 'code' ? t('recoverCodeLabel') : t('recoverOldPassphraseLabel')}
          name="recovery-secret"
          type={method === 'code' ? 'text' : 'password'}
          value={secret}
          onInput={setSecret}
          required
        />
        <Field
          label={t('newPassphraseLabel')}
          name="new-passphrase"
          type="password"
          autoComplete="new-password"
          value={passphrase}
          onInput={setPassphrase}
          required
        />
        <StrengthMeter passphrase={passphrase} userInputs={[props.status.address ?? '']} onScore={setScore} />
        <Field
          label={t('confirmPassphraseLabel')}
          name="confirm-passphrase"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onInput={setConfirm}
          required
        />
        <ErrorText message={error} />
        {busy && <ProgressView />}
        <button type="submit" data-testid="recover-submit" disabled={busy || score < MIN_SCORE || !secret}>
          {t('recoverSubmit')}
        </button>
      </form>
    </section>
  );
}
