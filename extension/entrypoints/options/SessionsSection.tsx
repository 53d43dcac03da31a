// The account's server sessions (one per device that logged in), with a revoke button each
// and a logout for this device's own session. Revocations and logouts go to the security log.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { SessionView } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { ErrorText } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';

export function SessionsSection(props: { revision: number; onChanged: () => void }) {
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      setSessions(await call('sessions.list', {}));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }
  useEffect(() => {
    load();
  }, [props.revision]);

  async function act(run: () => Promise<unknown>) {
    setBusy(true);
    try {
      await run();
      await load();
      props.onChanged();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section id="sessions" aria-labelledby="sessions-h">
      <h2 id="sessions-h">{t('sessionsHeading')}</h2>
      <ErrorText message={error} />
      <div class="table-wrap">
        <table data-testid="sessions">
          <thead>
            <tr>
              <th scope="col">{t('sessionDevice')}</th>
              <th scope="col">{t('sessionCreated')}</th>
              <th scope="col">{t('sessionLastUsed')}</th>
              <th scope="col">{t('sessionActions')}</th>
            </tr>
          </thead>
          <tbody>
            {(sessions ?? []).map((s) => (
              <tr key={s.id} data-current={s.current ? 'true' : 'false'}>
                <td>
                  {s.deviceName}
                  {s.current ? ` (${t('sessionThisDevice')})` : ''}
                  <br />
                  <small>{s.userAgent}</small>
                </td>
                <td>{new Date(s.createdAt).toLocaleString()}</td>
                <td>{new Date(s.lastUsedAt).toLocaleString()}</td>
                <td>
                  <ConfirmButton
                    label={t('sessionRevoke')}
                    confirmLabel={t('sessionRevokeConfirm')}
                    warning={t(
                      s.current ? 'sessionRevokeWarningCurrent' : 'sessionRevokeWarning',
                      s.deviceName,
                    )}
                    disabled={busy}
                    ariaLabel={t('sessionRevokeLabel', s.deviceName)}
                    onConfirm={() => act(() => call('sessions.revoke', { id: s.id }))}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <ConfirmButton
          label={t('sessionLogout')}
          confirmLabel={t('sessionLogoutConfirm')}
          warning={t('sessionLogoutWarning')}
          disabled={busy}
          testId="logout"
          onConfirm={() => act(() => call('sessions.logout', {}))}
        />
      </p>
    </section>
  );
}
