// The account's server sessions (one per device that logged in), with a revoke button each
// and a logout for this device's own session. Revocations and logouts go to the security log.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { SessionView } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ErrorText } from '../../ui/controls.tsx';

export function SessionsSection(props: { revision: number; onChanged: () => void }) {
  const [sessions, setSessions] = useState<SessionView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      setSessions(await call('sessions.list', {}));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
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
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="sessions-h">
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
                  <button
                    type="button"
                    class="secondary"
                    disabled={busy}
                    aria-label={t('sessionRevokeLabel', s.deviceName)}
                    onClick={() => act(() => call('sessions.revoke', { id: s.id }))}
                  >
                    {t('sessionRevoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <button
          type="button"
          class="secondary"
          disabled={busy}
          data-testid="logout"
          onClick={() => act(() => call('sessions.logout', {}))}
        >
          {t('sessionLogout')}
        </button>
      </p>
    </section>
  );
}
