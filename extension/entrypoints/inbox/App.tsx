// The inbox page: the registered inbox's mail, decrypted here in the extension. Locked, it asks
// for the passphrase first; without an account it points to the set-up.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { Status } from '../../messages/protocol.ts';
import { extensionUrl, t } from '../../platform/browser.ts';
import { UnlockForm } from '../../ui/UnlockForm.tsx';
import { Mailbox } from './Mailbox.tsx';

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  useEffect(() => {
    const refresh = () => call('status', {}).then(setStatus);
    refresh();
    // Auto-lock can happen while the page is open.
    const timer = setInterval(refresh, 15_000);
    return () => clearInterval(timer);
  }, []);
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
