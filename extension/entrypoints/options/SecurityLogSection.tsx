// The security log: unlocks, failed unlocks, lockouts, key changes, sessions. Newest first.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { LogView } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';

export function SecurityLogSection(props: { revision: number }) {
  const [entries, setEntries] = useState<LogView[]>([]);
  useEffect(() => {
    call('log.list', {}).then(setEntries);
  }, [props.revision]);
  return (
    <section id="log" aria-labelledby="log-h">
      <h2 id="log-h">{t('logHeading')}</h2>
      <div class="table-wrap">
        <table data-testid="security-log">
          <thead>
            <tr>
              <th scope="col">{t('logWhen')}</th>
              <th scope="col">{t('logWhat')}</th>
              <th scope="col">{t('logDetail')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.at}-${e.kind}-${e.detail}`} data-kind={e.kind}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>{t(`log_${e.kind}`)}</td>
                <td>{e.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
