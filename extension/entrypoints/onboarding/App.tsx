// Onboarding, opened on install: create an account, or restore one on a new device.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { Status } from '../../messages/protocol.ts';
import { extensionUrl, t } from '../../platform/browser.ts';
import { Fingerprint } from '../../ui/Fingerprint.tsx';
import { SecurityMarkPanel } from '../../ui/SecurityMark.tsx';
import { CreateForm } from './CreateForm.tsx';
import { RecoveryPanel } from './RecoveryPanel.tsx';
import { RestoreForm } from './RestoreForm.tsx';

type View = 'choose' | 'create' | 'restore' | 'done';

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  const [view, setView] = useState<View>('choose');

  useEffect(() => {
    call('status', {}).then((s) => {
      setStatus(s);
      if (s.state !== 'none') setView('done');
    });
  }, []);

  if (!status) return <main aria-busy="true" />;

  const finished = (s: Status) => {
    setStatus(s);
    setView('done');
  };

  return (
    <main>
      <h1>{t('onboardingHeading')}</h1>
      {view === 'choose' && (
        <section aria-labelledby="choose-h">
          <h2 id="choose-h">{t('chooseHeading')}</h2>
          <p>{t('chooseIntro')}</p>
          <div class="choices">
            <button type="button" data-testid="choose-create" onClick={() => setView('create')}>
              {t('chooseCreate')}
            </button>
            <button
              type="button"
              class="secondary"
              data-testid="choose-restore"
              onClick={() => setView('restore')}
            >
              {t('chooseRestore')}
            </button>
          </div>
        </section>
      )}
      {view === 'create' && (
        <CreateForm serverUrl={status.serverUrl} onDone={finished} onBack={() => setView('choose')} />
      )}
      {view === 'restore' && (
        <RestoreForm serverUrl={status.serverUrl} onDone={finished} onBack={() => setView('choose')} />
      )}
      {view === 'done' && (
        <section aria-labelledby="done-h" data-testid="onboarding-done">
          <h2 id="done-h">{t('doneHeading')}</h2>
          <p>{t('doneIntro', status.address ?? '')}</p>
          {status.fingerprints && (
            <>
              <Fingerprint label={t('pgpFingerprint')} value={status.fingerprints.pgp} testId="fp-pgp" />
              <Fingerprint
                label={t('envelopeFingerprint')}
                value={status.fingerprints.envelope}
                testId="fp-envelope"
              />
            </>
          )}
          {status.state !== 'none' && <SecurityMarkPanel />}
          {status.state === 'unlocked' && <RecoveryPanel />}
          <p>
            <a href={extensionUrl('/options.html')}>{t('openKeyring')}</a>
          </p>
        </section>
      )}
    </main>
  );
}
