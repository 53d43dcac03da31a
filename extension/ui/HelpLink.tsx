// A link to one topic of the help page (entrypoints/help), opened in its own tab: from a frame
// inside a webmail page, from the popup, or from the options page.

import { extensionUrl, t } from '../platform/browser.ts';

export type HelpTopic = 'mark' | 'verdicts' | 'locked' | 'key-changed' | 'server' | 'not-for-me';

export function HelpLink(props: { topic: HelpTopic; label?: string }) {
  return (
    <a
      class="help-link"
      href={extensionUrl(`/help.html#${props.topic}`)}
      target="_blank"
      rel="noreferrer"
      data-testid="help-link"
    >
      {props.label ?? t('helpLink')}
    </a>
  );
}
