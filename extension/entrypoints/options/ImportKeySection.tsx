// Import an existing OpenPGP secret key (armored + its passphrase) as the identity's PGP key.

import { useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import { t } from '../../platform/browser.ts';
import { ErrorText, Field, Notice, TextArea } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';

export function ImportKeySection(props: { onImported: () => void }) {
  const [armoredKey, setArmoredKey] = useState('');
  const [keyPassphrase, setKeyPassphrase] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: Event) {
    e.preventDefault();
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      const r = await call('account.importKey', { armoredKey, keyPassphrase });
      setDone(r.fingerprint);
      setArmoredKey('');
      setKeyPassphrase('');
      props.onImported();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section id="import" aria-labelledby="import-h">
      <h2 id="import-h">{t('importHeading')}</h2>
      <form onSubmit={submit} data-testid="import-form">
        <p class="hint">{t('importIntro')}</p>
        <TextArea label={t('importKeyLabel')} name="import-key" value={armoredKey} onInput={setArmoredKey} />
        <Field
          label={t('importPassphraseLabel')}
          name="import-passphrase"
          type="password"
          value={keyPassphrase}
          onInput={setKeyPassphrase}
        />
        <ErrorText message={error} />
        {done && (
          <Notice>
            <span data-testid="import-done" data-value={done}>
              {t('importDone', done)}
            </span>
          </Notice>
        )}
        <button type="submit" disabled={busy || !armoredKey} data-testid="import-submit">
          {t('importSubmit')}
        </button>
      </form>
    </section>
  );
}
