// Restore on a new device: address + passphrase → KDF parameters → login → vault → unwrap here.

import { useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { Status } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { AccountFields } from '../../ui/AccountFields.tsx';
import { ErrorText, Field } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';
import { ProgressView } from '../../ui/ProgressView.tsx';

export function RestoreForm(props: { serverUrl: string; onDone: (s: Status) => void; onBack: () => void }) {
  const [serverUrl, setServerUrl] = useState(props.serverUrl);
  const [address, setAddress] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function restore(e: Event) {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      props.onDone(await call('account.restore', { serverUrl, address: address.trim(), passphrase }));
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={restore} aria-labelledby="restore-h" data-testid="restore-form">
      <h2 id="restore-h">{t('restoreHeading')}</h2>
      <p>{t('restoreIntro')}</p>
      <AccountFields
        serverUrl={serverUrl}
        onServerUrl={setServerUrl}
        address={address}
        onAddress={setAddress}
      />
      <Field
        label={t('passphraseLabel')}
        name="passphrase"
        type="password"
        autoComplete="current-password"
        value={passphrase}
        onInput={setPassphrase}
        required
      />
      {busy && <ProgressView />}
      <ErrorText message={error} />
      <div class="choices">
        <button type="button" class="secondary" onClick={props.onBack} disabled={busy}>
          {t('back')}
        </button>
        <button type="submit" data-testid="restore-submit" disabled={busy || !passphrase || !address}>
          {t('restoreAccount')}
        </button>
      </div>
    </form>
  );
}
