// What a read or compose frame shows while the extension is locked: the security mark's colour
// (its pictures come with the passphrase), an unlock field with the lockout state, and a link to
// help. Unlocking here, or anywhere else, brings every open frame back at once
// (ui/lock-state.ts); nothing is reloaded.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../messages/client.ts';
import type { Status } from '../messages/protocol.ts';
import { extensionUrl, t } from '../platform/browser.ts';
import { HelpLink } from './HelpLink.tsx';
import { Icon } from './Icon.tsx';
import { useLockNotices } from './lock-state.ts';
import { SecurityMark } from './SecurityMark.tsx';
import { UnlockForm } from './UnlockForm.tsx';

export function LockedPanel(props: { what: 'read' | 'compose'; onUnlocked: () => void }) {
  const [status, setStatus] = useState<Status | null>(null);
  const load = () =>
    call('status', {})
      .then(setStatus)
      .catch(() => {});
  useEffect(() => {
    load();
  }, []);
  // Another page locked out or unlocked meanwhile: the form shows what holds now.
  useLockNotices(load);
  return (
    <section class="locked" data-testid="locked" aria-labelledby="locked-h">
      <div class="row">
        <SecurityMark picturesHidden />
        <strong id="locked-h" class="row">
          <Icon name="lock" />
          {props.what === 'read' ? t('frameLockedRead') : t('frameLockedCompose')}
        </strong>
      </div>
      {status?.state === 'none' ? (
        <p>
          {t('frameNoAccount')}{' '}
          <a href={extensionUrl('/onboarding.html')} target="_blank" rel="noreferrer">
            {t('setUp')}
          </a>
        </p>
      ) : status ? (
        <UnlockForm status={status} onUnlocked={props.onUnlocked} compact />
      ) : null}
      <HelpLink topic="locked" />
    </section>
  );
}
