// Options: unlock, own identity, contacts, settings, sessions and the security log.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { Status } from '../../messages/protocol.ts';
import { extensionUrl, t } from '../../platform/browser.ts';
import { Notice } from '../../ui/controls.tsx';
import { SecurityMarkPanel } from '../../ui/SecurityMark.tsx';
import { UnlockForm } from '../../ui/UnlockForm.tsx';
import { ContactsSection } from './ContactsSection.tsx';
import { IdentitySection } from './IdentitySection.tsx';
import { ImportKeySection } from './ImportKeySection.tsx';
import { RecoverSection } from './RecoverSection.tsx';
import { SecurityLogSection } from './SecurityLogSection.tsx';
import { SessionsSection } from './SessionsSection.tsx';
import { SettingsSection } from './SettingsSection.tsx';

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  const [revision, setRevision] = useState(0);
  const [serverStale, setServerStale] = useState(false);
  const refresh = () => call('status', {}).then(setStatus);

  useEffect(() => {
    refresh();
    // Auto-lock can happen while the page is open.
    const timer = setInterval(refresh, 15_000);
    return () => clearInterval(timer);
  }, []);

  if (!status) return <main aria-busy="true" />;

  async function lock() {
    setStatus(await call('lock', {}));
  }

  return (
    <main>
      <h1>{t('optionsHeading')}</h1>
      {status.state === 'none' && (
        <p>
          {t('noAccount')} <a href={extensionUrl('/onboarding.html')}>{t('setUp')}</a>
        </p>
      )}
      {status.state === 'locked' && <UnlockForm status={status} onUnlocked={setStatus} />}
      {status.state !== 'unlocked' && (
        <RecoverSection
          status={status}
          onRecovered={(next, serverUpdated) => {
            setServerStale(!serverUpdated);
            setStatus(next);
          }}
        />
      )}
      {serverStale && <Notice tone="warning">{t('recoverServerStale')}</Notice>}
      {status.state === 'unlocked' && (
        <>
          <p data-testid="unlocked">
            {t('unlockedAs', status.address ?? '')}{' '}
            <button type="button" class="secondary" onClick={lock} data-testid="lock">
              {t('lock')}
            </button>
          </p>
          <IdentitySection revision={revision} />
          <ImportKeySection onImported={() => setRevision((r) => r + 1)} />
          <ContactsSection />
          <SecurityMarkPanel onRenew />
          <SettingsSection />
          <SessionsSection revision={revision} onChanged={() => setRevision((r) => r + 1)} />
          <SecurityLogSection revision={revision} />
        </>
      )}
    </main>
  );
}
