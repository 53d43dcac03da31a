// The key transparency alarm (docs/spec/transparency-v1.md §9.1, §9.2), shown at the top of the
// options page and of the compose and read frames for as long as an alarm is kept: the log showed
// two histories, or bound a key to the user's own address that this account did not publish.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../messages/client.ts';
import type { TransparencyView } from '../messages/protocol.ts';
import { t } from '../platform/browser.ts';

export function TransparencyAlarm() {
  const [alarms, setAlarms] = useState<TransparencyView['alarms']>([]);
  useEffect(() => {
    call('transparency.status', {})
      .then((v) => setAlarms(v.alarms))
      .catch(() => {});
  }, []);
  if (alarms.length === 0) return null;
  const latest = alarms[alarms.length - 1]!;
  return (
    <div class="badge danger" role="alert" data-testid="transparency-alarm" data-kind={latest.kind}>
      <strong>
        {t(latest.kind === 'foreign_key' ? 'transparencyAlarmForeignKey' : 'transparencyAlarmFork')}
      </strong>{' '}
      {latest.detail}
      {alarms.length > 1 ? ` ${t('transparencyAlarmMore', String(alarms.length - 1))}` : ''}
    </div>
  );
}
