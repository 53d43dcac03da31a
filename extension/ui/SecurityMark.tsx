// The security mark badge (extension/overlay/security-mark.ts): shown in every Noise frame so
// the user can tell our compose and read boxes from a look-alike the page draws.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../messages/client.ts';
import { pictureMessage, type SecurityMarkView } from '../overlay/security-mark.ts';
import { t } from '../platform/browser.ts';
import './security-mark.css';
import { errorText } from './failure-text.ts';
import { HelpLink } from './HelpLink.tsx';

/** The mark, fetched from the background once per page. */
export function useSecurityMark(): SecurityMarkView | null {
  const [mark, setMark] = useState<SecurityMarkView | null>(null);
  useEffect(() => {
    call('securityMark.get', {})
      .then(setMark)
      .catch(() => {});
  }, []);
  return mark;
}

/** The pictures' names in the user's language, for screen readers and beside the pictures. */
export function markNames(mark: SecurityMarkView): string {
  return mark.pictures.map((id) => t(pictureMessage(id))).join(', ');
}

/**
 * The badge: three pictures on the user's colour, with their names. `picturesHidden` shows the
 * colour alone (a locked frame: the pictures come with the passphrase).
 */
export function SecurityMarkBadge(props: {
  mark: SecurityMarkView;
  large?: boolean;
  picturesHidden?: boolean;
}) {
  const { mark } = props;
  const hidden = props.picturesHidden === true;
  const size = props.large ? 40 : 20;
  const names = markNames(mark);
  return (
    <span
      class={`security-mark${props.large ? ' large' : ''}${hidden ? ' hidden-pictures' : ''}`}
      data-testid="security-mark"
      data-pictures={hidden ? undefined : mark.pictures.join(' ')}
      role="img"
      aria-label={hidden ? t('securityMarkLockedLabel') : t('securityMarkLabel', names)}
      title={t('securityMarkTitle')}
      style={{
        background: `hsl(${mark.hueDegrees} 75% 88%)`,
        borderColor: `hsl(${mark.hueDegrees} 60% 32%)`,
      }}
    >
      <span class="pictures">
        {!hidden &&
          mark.pictures.map((id) => (
            <img key={id} src={`/pictures/${id}.svg`} alt="" width={size} height={size} data-picture={id} />
          ))}
      </span>
      {/* The names too, so the mark can be told and remembered in words. */}
      {!hidden && (
        <span class="names" aria-hidden="true">
          {names}
        </span>
      )}
    </span>
  );
}

/**
 * Whether nothing on the page covers, fades or transforms this frame, as far as the browser can
 * tell: IntersectionObserver v2 (Chromium) computes that across the whole page, frames included.
 * A page that lays a transparent field over our text box while our mark stays in view would
 * otherwise collect what the user types. Where v2 is missing (Firefox) this stays true.
 */
export function useUncovered(): boolean {
  const supported =
    typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;
  const [uncovered, setUncovered] = useState(!supported);
  useEffect(() => {
    if (!supported) return;
    const observer = new IntersectionObserver(
      (entries) => {
        const last = entries.at(-1) as (IntersectionObserverEntry & { isVisible: boolean }) | undefined;
        if (last) setUncovered(last.isVisible);
      },
      // delay ≥ 100 ms is required for trackVisibility.
      { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
    );
    observer.observe(document.documentElement);
    return () => observer.disconnect();
  }, []);
  return uncovered;
}

/**
 * The badge once the background has answered, and only while the frame is seen uncovered:
 * a covered frame shows a warning in its place, so the mark never vouches for a field the page
 * has laid over ours.
 */
export function SecurityMark(props: { picturesHidden?: boolean }) {
  const mark = useSecurityMark();
  const uncovered = useUncovered();
  if (!uncovered)
    return (
      <span class="badge danger" role="alert" data-testid="frame-covered">
        {t('frameCovered')}
      </span>
    );
  return mark ? <SecurityMarkBadge mark={mark} picturesHidden={props.picturesHidden} /> : null;
}

/**
 * The mark with what it means; in onboarding and the options page. `onRenew` adds the button
 * that draws a new one (for a user who thinks a page has seen it, e.g. over their shoulder).
 */
export function SecurityMarkPanel(props: { onRenew?: boolean }) {
  const [mark, setMark] = useState<SecurityMarkView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('securityMark.get', {})
      .then(setMark)
      .catch((e) => setError(errorText(e)));
  }, []);
  return (
    <section id="mark" aria-labelledby="security-mark-h" data-testid="security-mark-panel">
      <h2 id="security-mark-h">{t('securityMarkHeading')}</h2>
      {mark && (
        <p>
          <SecurityMarkBadge mark={mark} large />
        </p>
      )}
      <p>
        {t('securityMarkIntro')} <HelpLink topic="mark" />
      </p>
      {props.onRenew && (
        <button
          type="button"
          class="secondary"
          data-testid="security-mark-renew"
          onClick={() => {
            setError(null);
            call('securityMark.renew', {})
              .then(setMark)
              .catch((e) => setError(errorText(e)));
          }}
        >
          {t('securityMarkRenew')}
        </button>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
