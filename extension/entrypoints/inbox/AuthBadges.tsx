// What the receiving mail service (Cloudflare) found when it checked the sender: SPF, DKIM and
// DMARC with From alignment. "unknown" is a real state: Cloudflare adds its results only on a
// best-effort basis. These are the provider's word, never a signature (docs/threat-model.md).

import type { AuthResult, AuthVerdicts } from '../../../shared/api/inbox.ts';
import { t } from '../../platform/browser.ts';

function tone(r: AuthResult): 'ok' | 'warn' | 'danger' {
  if (r === 'pass') return 'ok';
  if (r === 'fail' || r === 'softfail' || r === 'permerror') return 'danger';
  return 'warn';
}

function Check(props: { name: string; result: AuthResult }) {
  const word = t(`inboxAuth_${props.result}`);
  return (
    <span
      class={`auth-check ${tone(props.result)}`}
      data-testid={`auth-${props.name.toLowerCase()}`}
      data-result={props.result}
      title={t('inboxAuthCheckTitle', [props.name, word])}
    >
      {props.name} {word}
    </span>
  );
}

/** The three checks in a row; `compact` for the list (one mark when all passed or none known). */
export function AuthBadges(props: { auth: AuthVerdicts; compact?: boolean }) {
  const a = props.auth;
  if (props.compact) {
    const all = [a.spf, a.dkim, a.dmarc];
    const state = all.every((r) => r === 'unknown')
      ? 'unknown'
      : all.some((r) => tone(r) === 'danger')
        ? 'fail'
        : a.aligned
          ? 'pass'
          : 'partial';
    return (
      <span
        class={`auth-mark auth-${state}`}
        data-testid="auth-mark"
        data-state={state}
        title={t(`inboxAuthMark_${state}`)}
      >
        {t(`inboxAuthMark_${state}`)}
      </span>
    );
  }
  return (
    <div class="auth" data-testid="auth">
      <span class="muted">{t('inboxAuthHeading')}</span> <Check name="SPF" result={a.spf} />{' '}
      <Check name="DKIM" result={a.dkim} /> <Check name="DMARC" result={a.dmarc} />{' '}
      {a.aligned && (
        <span class="auth-check ok" data-testid="auth-aligned">
          {t('inboxAuthAligned')}
        </span>
      )}
    </div>
  );
}
