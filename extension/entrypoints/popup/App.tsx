// The toolbar popup (320 px): lock state, unlock, lock, and a way to the keyring.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { Status } from '../../messages/protocol.ts';
import { extensionUrl, t } from '../../platform/browser.ts';
import { UnlockForm } from '../../ui/UnlockForm.tsx';

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  useEffect(() => {
    call('status', {}).then(setStatus);
  }, []);
  if (!status) return <main aria-busy="true" />;
  return (
    <main style={{ width: '320px' }}>
      <h1>{t('extName')}</h1>
      {status.state === 'none' && (
        <a href={extensionUrl('/onboarding.html')} target="_blank" rel="noreferrer">
          {t('setUp')}
        </a>
      )}
      {status.state === 'locked' && <UnlockForm status={status} onUnlocked={setStatus} />}
      {status.state === 'unlocked' && (
        <p data-testid="unlocked">
          {t('unlockedAs', status.address ?? '')}{' '}
          <button
            type="button"
            class="secondary"
            onClick={() => call('lock', {}).then(setStatus)}
            data-testid="lock"
          >
            {t('lock')}
          </button>
        </p>
      )}
      <p>
        <a href={extensionUrl('/inbox.html')} target="_blank" rel="noreferrer" data-testid="open-inbox">
          {t('openInbox')}
        </a>
      </p>
      <p>
        <a href={extensionUrl('/options.html')} target="_blank" rel="noreferrer">
          {t('openKeyring')}
        </a>
      </p>
    </main>
  );
}
