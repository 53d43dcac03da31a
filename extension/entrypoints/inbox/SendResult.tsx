// What a send did, in plain words: who got it encrypted, who got it unencrypted by the sender's
// choice, who was left out, any recipient the mail service refused, the inline PGP fallback, and
// whether the Sent copy was stored. Relay failures get their own texts (ui/failure-text.ts).

import type { InboxSendView } from '../../messages/inbox-protocol.ts';
import { t } from '../../platform/browser.ts';
import { Notice } from '../../ui/controls.tsx';
import { errorText, failureText } from '../../ui/failure-text.ts';

/** A failed send: a sending limit says until when (Retry-After). */
export function sendFailureText(e: unknown): string {
  const { code, until } = (e ?? {}) as { code?: unknown; until?: unknown };
  if (code === 'send_limit' && typeof until === 'number')
    return `${t('error_send_limit')} ${t('outboxRetryAt', new Date(until).toLocaleTimeString())}`;
  return errorText(e);
}

export function SendResult(props: { result: InboxSendView; onClose(): void }) {
  const r = props.result;
  return (
    <section
      class="compose"
      data-testid="compose-result"
      data-encrypted={r.encryptedTo.join(',')}
      data-sealed={r.sealedTo.join(',')}
    >
      <h2>{r.failed.length ? t('outboxSentPartly') : t('outboxSent')}</h2>
      {r.encryptedTo.length > 0 && <p>{t('outboxSentEncrypted', r.encryptedTo.join(', '))}</p>}
      {r.sealedTo.length > 0 && <p>{t('outboxSentUnencrypted', r.sealedTo.join(', '))}</p>}
      {r.omitted.length > 0 && <p>{t('outboxLeftOut', r.omitted.join(', '))}</p>}
      {r.delivery === 'inline-pgp' && <Notice>{t('outboxInlineFallback')}</Notice>}
      {r.failed.length > 0 && (
        <ul class="error" data-testid="compose-failed">
          {r.failed.map((f) => (
            <li key={f.address}>
              {f.address}: {failureText(f.code, f.code)}
            </li>
          ))}
        </ul>
      )}
      {r.sentCopyFailed !== null && (
        <Notice tone="warning">{t('outboxSentCopyFailed', r.sentCopyFailed)}</Notice>
      )}
      <button type="button" class="secondary" onClick={props.onClose}>
        {t('inboxClose')}
      </button>
    </section>
  );
}
