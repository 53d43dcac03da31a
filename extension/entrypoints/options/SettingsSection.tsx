// Settings: server URL, lock timeout, default format, key servers on/off.

import { useEffect, useId, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { SettingsView } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ErrorText, Field, Notice } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';

export function SettingsSection() {
  const [s, setS] = useState<SettingsView | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const formatId = useId();
  const serversId = useId();
  useEffect(() => {
    call('settings.get', {}).then(setS);
  }, []);
  if (!s) return null;

  async function save(e: Event) {
    e.preventDefault();
    if (!s) return;
    setError(null);
    try {
      setS(await call('settings.set', s));
      setSaved(true);
    } catch (err) {
      setError(errorText(err));
    }
  }

  const update = (patch: Partial<SettingsView>) => {
    setSaved(false);
    setS({ ...s, ...patch });
  };

  return (
    <section id="settings" aria-labelledby="settings-h">
      <h2 id="settings-h">{t('settingsHeading')}</h2>
      <form onSubmit={save} data-testid="settings-form">
        <Field
          label={t('serverLabel')}
          hint={t('serverHint')}
          name="settings-server"
          type="url"
          value={s.serverUrl}
          onInput={(v) => update({ serverUrl: v })}
        />
        <Field
          label={t('lockTimeoutLabel')}
          name="lock-timeout"
          type="number"
          value={String(s.lockTimeoutMinutes)}
          onInput={(v) => update({ lockTimeoutMinutes: Math.max(1, Number.parseInt(v, 10) || 1) })}
        />
        <div class="field">
          <label for={formatId}>{t('formatLabel')}</label>
          <select
            id={formatId}
            value={s.defaultFormat}
            onChange={(e) =>
              update({ defaultFormat: (e.currentTarget as HTMLSelectElement).value as 'auto' | 'pgp' })
            }
          >
            <option value="auto">{t('formatAuto')}</option>
            <option value="pgp">{t('formatPgp')}</option>
          </select>
        </div>
        <div class="field">
          <label for={serversId}>
            <input
              id={serversId}
              type="checkbox"
              style={{ width: 'auto', marginRight: '0.5rem' }}
              checked={s.keyServers}
              onChange={(e) => update({ keyServers: (e.currentTarget as HTMLInputElement).checked })}
            />
            {t('keyServersLabel')}
          </label>
        </div>
        <ErrorText message={error} />
        {saved && <Notice>{t('saved')}</Notice>}
        <button type="submit">{t('save')}</button>
      </form>
    </section>
  );
}
