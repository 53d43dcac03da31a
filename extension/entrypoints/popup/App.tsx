// The toolbar popup (320 px): lock state, unlock, lock, and the way to the keyring and help.
// Unlocking here brings every open read and compose frame back at once (ui/lock-state.ts).

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { Status } from '../../messages/protocol.ts';
import { extensionUrl, t } from '../../platform/browser.ts';
import { HelpLink } from '../../ui/HelpLink.tsx';
import { Icon } from '../../ui/Icon.tsx';
import { useLockNotices } from '../../ui/lock-state.ts';
import { UnlockForm } from '../../ui/UnlockForm.tsx';

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  const refresh = () => call('status', {}).then(setStatus);
  useEffect(() => {
    refresh();
  }, []);
  useLockNotices(() => {
    refresh();
  });
  if (!status) return <main aria-busy="true" />;
  return (
    <main style={{ width: '320px' }}>
      <h1>
        <Icon name={status.state === 'unlocked' ? 'unlock' : 'lock'} />
        {t('extName')}
      </h1>
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
      <p class="choices">
        <a href={extensionUrl('/options.html')} target="_blank" rel="noreferrer">
          {t('openKeyring')}
        </a>
        <HelpLink topic="mark" label={t('helpHeading')} />
      </p>
    </main>
  );
}
