// Options: unlock, own identity, contacts, settings, sessions and the security log.

import { useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import { extensionUrl, t } from '../../platform/browser.ts';
import { Notice } from '../../ui/controls.tsx';
import { HelpLink } from '../../ui/HelpLink.tsx';
import { Icon } from '../../ui/Icon.tsx';
import { SecurityMarkPanel } from '../../ui/SecurityMark.tsx';
import { useStatus } from '../../ui/status.ts';
import { TransparencyAlarm } from '../../ui/TransparencyAlarm.tsx';
import { UnlockForm } from '../../ui/UnlockForm.tsx';
import { ContactsSection } from './ContactsSection.tsx';
import { IdentitySection } from './IdentitySection.tsx';
import { ImportKeySection } from './ImportKeySection.tsx';
import { InboxSection } from './InboxSection.tsx';
import { RecoverSection } from './RecoverSection.tsx';
import { SecurityLogSection } from './SecurityLogSection.tsx';
import { SessionsSection } from './SessionsSection.tsx';
import { SettingsSection } from './SettingsSection.tsx';
import { TransparencySection } from './TransparencySection.tsx';

/** The sections, in page order, with the message of their link in the navigation. */
const OPTION_SECTIONS: readonly [string, string][] = [
  ['identity', 'identityHeading'],
  ['import', 'importHeading'],
  ['inbox', 'inboxOptionsHeading'],
  ['contacts', 'contactsHeading'],
  ['mark', 'securityMarkHeading'],
  ['settings', 'settingsHeading'],
  ['sessions', 'sessionsHeading'],
  ['transparency', 'transparencyHeading'],
  ['log', 'logHeading'],
];

export function App() {
  const { status, setStatus } = useStatus();
  const [revision, setRevision] = useState(0);
  const [serverStale, setServerStale] = useState(false);

  if (!status) return <main aria-busy="true" />;

  async function lock() {
    setStatus(await call('lock', {}));
  }

  return (
    <main>
      <h1>
        <Icon name="lock" />
        {t('optionsHeading')}
      </h1>
      <TransparencyAlarm />
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
          <nav aria-label={t('optionsNav')}>
            <ul class="nav" data-testid="options-nav">
              {OPTION_SECTIONS.map(([id, label]) => (
                <li key={id}>
                  <a href={`#${id}`}>{t(label)}</a>
                </li>
              ))}
              <li>
                <HelpLink topic="mark" label={t('helpHeading')} />
              </li>
            </ul>
          </nav>
          <p data-testid="unlocked">
            {t('unlockedAs', status.address ?? '')}{' '}
            <button type="button" class="secondary" onClick={lock} data-testid="lock">
              {t('lock')}
            </button>
          </p>
          <IdentitySection revision={revision} />
          <ImportKeySection onImported={() => setRevision((r) => r + 1)} />
          <InboxSection />
          <ContactsSection />
          <SecurityMarkPanel onRenew />
          <SettingsSection />
          <SessionsSection revision={revision} onChanged={() => setRevision((r) => r + 1)} />
          <TransparencySection />
          <SecurityLogSection revision={revision} />
        </>
      )}
    </main>
  );
}
