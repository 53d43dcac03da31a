// Why a message could not be shown, and what to do next: the read overlay and the inbox page name
// the same failures the same way (docs/verdicts.md). Nothing of the message is shown with it.

import { t } from '../../platform/browser.ts';
import { HelpLink, type HelpTopic } from '../HelpLink.tsx';
import { Icon } from '../Icon.tsx';

/**
 * Failure codes with a message of their own in _locales, each with what to do next and the help
 * topic that says more (docs/verdicts.md); others show the background's text. 'locked' is not a
 * failure of the message: the frame shows its unlock field instead (ui/LockedPanel.tsx).
 */
const FAILURE_TEXT: Record<string, { text: string; next: string; topic: HelpTopic }> = {
  tampered: { text: 'readFailTampered', next: 'readNextTampered', topic: 'verdicts' },
  no_integrity: { text: 'readFailNoIntegrity', next: 'readNextTampered', topic: 'verdicts' },
  not_for_me: { text: 'readFailNotForMe', next: 'readNextNotForMe', topic: 'not-for-me' },
  duplicate: { text: 'readFailDuplicate', next: 'readNextDuplicate', topic: 'verdicts' },
  key_unusable: { text: 'readFailKeyUnusable', next: 'readNextKeyUnusable', topic: 'verdicts' },
  malformed: { text: 'readFailMalformed', next: 'readNextMalformed', topic: 'verdicts' },
  secret_key_material: { text: 'readFailSecretKey', next: 'readNextSecretKey', topic: 'verdicts' },
  too_large: { text: 'readFailTooLarge', next: 'readNextTooLarge', topic: 'verdicts' },
  internal: { text: 'readFailInternal', next: 'readNextInternal', topic: 'verdicts' },
};

export function Failure(props: {
  code: string;
  message: string;
  /** The webmail clipped the message: the link to its full view, if it gave one. */
  clipped?: boolean;
  fullViewUrl?: string | null;
}) {
  const known = FAILURE_TEXT[props.code];
  return (
    <div class="failure" data-testid="failure" data-code={props.code} role="alert">
      <div class="row">
        <Icon name="warning" />
        {known ? t(known.text) : props.message}
      </div>
      {known && <p class="next">{t(known.next)}</p>}
      {props.clipped && props.fullViewUrl && (
        <div>
          {t('readClipped')}{' '}
          <a href={props.fullViewUrl} target="_top">
            {t('readOpenFull')}
          </a>
        </div>
      )}
      <HelpLink topic={known?.topic ?? 'verdicts'} />
    </div>
  );
}
