// The inbox page: the registered inbox's mail, decrypted here in the extension. Locked, it asks
// for the passphrase first; without an account it points to the set-up.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { Status } from '../../messages/protocol.ts';
import { extensionUrl, t } from '../../platform/browser.ts';
import { useLockNotices } from '../../ui/lock-state.ts';
import { UnlockForm } from '../../ui/UnlockForm.tsx';
import { Mailbox } from './Mailbox.tsx';

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  const refresh = () => call('status', {}).then(setStatus);
  useEffect(() => {
    refresh();
    // An auto-lock found when the background wakes is not announced: look again now and then.
    const timer = setInterval(refresh, 15_000);
    return () => clearInterval(timer);
  }, []);
  // Locked or unlocked anywhere (popup, a frame, auto-lock): the page follows at once.
  useLockNotices(() => {
    refresh();
  });
  if (!status) return <main aria-busy="true" />;
  if (status.state === 'none')
    return (
      <main>
        <h1>{t('inboxHeading')}</h1>
        <p>
          {t('noAccount')} <a href={extensionUrl('/onboarding.html')}>{t('setUp')}</a>
        </p>
      </main>
    );
  if (status.state === 'locked')
    return (
      <main>
        <h1>{t('inboxHeading')}</h1>
        <UnlockForm status={status} onUnlocked={setStatus} />
      </main>
    );
  return <Mailbox account={status.address ?? ''} />;
}
