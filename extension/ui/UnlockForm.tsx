// Unlock with the passphrase; shows tries left and the lockout end after too many failures.

import { useEffect, useState } from 'preact/hooks';
import { CommandError, call } from '../messages/client.ts';
import type { Status } from '../messages/protocol.ts';
import { t } from '../platform/browser.ts';
import { ErrorText, Field, Notice } from './controls.tsx';
import { errorText } from './failure-text.ts';

/** `compact`: the one-line form of the overlay frames (ui/LockedPanel.tsx). */
export function UnlockForm(props: { status: Status; onUnlocked: (s: Status) => void; compact?: boolean }) {
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [until, setUntil] = useState(props.status.lockedUntil);
  const [now, setNow] = useState(Date.now());

  // A lockout begun elsewhere (another frame, the popup) shows here too.
  useEffect(() => setUntil(props.status.lockedUntil), [props.status.lockedUntil]);
  useEffect(() => {
    if (until <= now) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until, now]);

  const lockedOut = until > now;

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const status = await call('unlock', { passphrase });
      setPassphrase('');
      props.onUnlocked(status);
    } catch (err) {
      if (err instanceof CommandError && err.code === 'locked_out' && err.until) {
        setUntil(err.until);
        setNow(Date.now());
      } else if (err instanceof CommandError && err.code === 'bad_passphrase') {
        setError(t('unlockWrong', String(err.attemptsLeft ?? 0)));
      } else {
        setError(errorText(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} data-testid="unlock-form" aria-label={t('unlockTitle')}>
      <p>{t(props.compact ? 'unlockIntroShort' : 'unlockIntro', props.status.address ?? '')}</p>
      {lockedOut ? (
        <Notice tone="warning">
          <span data-testid="lockout">{t('lockoutNotice', new Date(until).toLocaleTimeString())}</span>
        </Notice>
      ) : null}
      <Field
        label={t('passphraseLabel')}
        name="unlock-passphrase"
        type="password"
        autoComplete="current-password"
        value={passphrase}
        onInput={setPassphrase}
        required
      />
      <ErrorText message={error} />
      <button
        type="submit"
        class="primary"
        disabled={busy || lockedOut || !passphrase}
        data-testid="unlock-submit"
      >
        {busy ? t('unlocking') : t('unlock')}
      </button>
    </form>
  );
}
