// The inbox page: the registered inbox's mail, decrypted here in the extension. Locked, it asks
// for the passphrase first; without an account it points to the set-up.

import { extensionUrl, t } from '../../platform/browser.ts';
import { useStatus } from '../../ui/status.ts';
import { UnlockForm } from '../../ui/UnlockForm.tsx';
import { Mailbox } from './Mailbox.tsx';

export function App() {
  const { status, setStatus } = useStatus();
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
