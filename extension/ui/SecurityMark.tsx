// The security mark badge (extension/overlay/security-mark.ts): shown in every Noise frame so
// the user can tell our compose and read boxes from a look-alike the page draws.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../messages/client.ts';
import type { SecurityMarkView } from '../overlay/security-mark.ts';
import { t } from '../platform/browser.ts';
import './security-mark.css';

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

export function SecurityMarkBadge(props: { mark: SecurityMarkView; large?: boolean }) {
  const { mark } = props;
  return (
    <span
      class={props.large ? 'security-mark large' : 'security-mark'}
      data-testid="security-mark"
      role="img"
      aria-label={t('securityMarkLabel', mark.names)}
      title={t('securityMarkTitle')}
      style={{
        background: `hsl(${mark.hueDegrees} 75% 88%)`,
        borderColor: `hsl(${mark.hueDegrees} 60% 32%)`,
      }}
    >
      <span class="pictures">{mark.pictures}</span>
      {/* The names too: where no emoji font is installed the pictures all look alike. */}
      <span class="names" aria-hidden="true">
        {mark.names}
      </span>
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
export function SecurityMark() {
  const mark = useSecurityMark();
  const uncovered = useUncovered();
  if (!uncovered)
    return (
      <span class="badge danger" role="alert" data-testid="frame-covered">
        {t('frameCovered')}
      </span>
    );
  return mark ? <SecurityMarkBadge mark={mark} /> : null;
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
      .catch((e: Error) => setError(e.message));
  }, []);
  return (
    <section aria-labelledby="security-mark-h" data-testid="security-mark-panel">
      <h2 id="security-mark-h">{t('securityMarkHeading')}</h2>
      {mark && (
        <p>
          <SecurityMarkBadge mark={mark} large />
        </p>
      )}
      <p>{t('securityMarkIntro')}</p>
      {props.onRenew && (
        <button
          type="button"
          class="secondary"
          data-testid="security-mark-renew"
          onClick={() => {
            setError(null);
            call('securityMark.renew', {})
              .then(setMark)
              .catch((e: Error) => setError(e.message));
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
