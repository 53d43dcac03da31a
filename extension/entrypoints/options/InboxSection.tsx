// The registered inbox in the options: the account's inbox addresses with their use and the
// quota, claiming another one, releasing one (it deletes its mail for good and the address can
// never be claimed again, so it asks twice), the new-mail settings and the inbox key's rotation.

import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { InboxOverview, RotationView } from '../../messages/inbox-protocol.ts';
import { extensionUrl, t } from '../../platform/browser.ts';
import { ConfirmButton } from '../../ui/ConfirmButton.tsx';
import { ErrorText, Field, Notice } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

function Settings(props: { overview: InboxOverview; onError(e: unknown): void }) {
  const [seconds, setSeconds] = useState(String(props.overview.pollSeconds));
  const [notify, setNotify] = useState(props.overview.notify);
  const [saved, setSaved] = useState(false);
  async function save(e: Event) {
    e.preventDefault();
    try {
      const s = await call('inbox.settings', { pollSeconds: Math.max(30, Number(seconds) || 60), notify });
      setSeconds(String(s.pollSeconds));
      setNotify(s.notify);
      setSaved(true);
    } catch (err) {
      props.onError(err);
    }
  }
  return (
    <form onSubmit={save} data-testid="inbox-settings">
      <Field
        label={t('inboxPollLabel')}
        hint={t('inboxPollHint')}
        name="pollSeconds"
        type="number"
        value={seconds}
        onInput={(v) => {
          setSeconds(v);
          setSaved(false);
        }}
      />
      <label class="row">
        <input
          type="checkbox"
          name="notify"
          checked={notify}
          style={{ width: 'auto' }}
          onChange={(e) => {
            setNotify((e.currentTarget as HTMLInputElement).checked);
            setSaved(false);
          }}
        />{' '}
        {t('inboxNotifyLabel')}
      </label>
      <button type="submit" class="secondary">
        {t('inboxSettingsSave')}
      </button>
      {saved && <span class="muted">{t('inboxSettingsSaved')}</span>}
    </form>
  );
}

function Rotation(props: { onError(e: unknown): void }) {
  const [view, setView] = useState<RotationView | null>(null);
  useEffect(() => {
    const load = () =>
      call('inbox.rotation', {})
        .then(setView)
        .catch(() => {});
    load();
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, []);
  async function rotate() {
    try {
      setView(await call('inbox.rotateKey', { confirm: true }));
    } catch (e) {
      props.onError(e);
    }
  }
  return (
    <div data-testid="inbox-rotation">
      <h3>{t('inboxKeyHeading')}</h3>
      <p class="hint">{t('inboxKeyHint')}</p>
      {view?.running && (
        <Notice>
          <span data-testid="rotation-running">{t('inboxKeyRotating', String(view.moved))}</span>
        </Notice>
      )}
      {view && !view.running && view.finishedAt && (
        <p class="muted" data-testid="rotation-done">
          {t('inboxKeyRotated', [
            new Date(view.finishedAt).toLocaleString(),
            String(view.moved),
            String(view.failed),
          ])}
        </p>
      )}
      <ConfirmButton
        label={t('inboxKeyRotate')}
        confirmLabel={t('inboxKeyRotateConfirm')}
        warning={t('inboxKeyRotateWarning')}
        disabled={view?.running === true}
        testId="rotate-key"
        onConfirm={rotate}
      />
    </div>
  );
}

export function InboxSection() {
  const [overview, setOverview] = useState<InboxOverview | null>(null);
  const [claim, setClaim] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fail = (e: unknown) => setError(errorText(e));
  useEffect(() => {
    call('inbox.overview', {}).then(setOverview).catch(fail);
  }, []);

  async function act(run: () => Promise<InboxOverview>) {
    setBusy(true);
    setError(null);
    try {
      setOverview(await run());
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section id="inbox" aria-labelledby="inbox-h" data-testid="inbox-section">
      <h2 id="inbox-h">{t('inboxOptionsHeading')}</h2>
      <p>
        <a href={extensionUrl('/inbox.html')} target="_blank" rel="noreferrer">
          {t('openInbox')}
        </a>
      </p>
      <ErrorText message={error} />
      {overview && (
        <>
          <p data-testid="inbox-quota">
            {t('inboxQuota', [
              mib(overview.quota.usedBytes),
              mib(overview.quota.bytes),
              String(overview.quota.usedMessages),
              String(overview.quota.messages),
            ])}
          </p>
          {overview.inboxes.length === 0 && <p>{t('inboxNone')}</p>}
          <ul data-testid="inbox-addresses">
            {overview.inboxes.map((i) => (
              <li key={i.address} data-address={i.address}>
                <strong>{i.address}</strong>{' '}
                <span class="muted">
                  {t('inboxUse', [String(i.messages), mib(i.bytes), String(i.unread)])}
                </span>{' '}
                {i.address !== overview.account && (
                  <ConfirmButton
                    label={t('inboxRelease')}
                    confirmLabel={t('inboxReleaseConfirm', i.address)}
                    warning={t('inboxReleaseWarning', i.address)}
                    disabled={busy}
                    testId="release"
                    onConfirm={() => act(() => call('inbox.release', { address: i.address, confirm: true }))}
                  />
                )}
              </li>
            ))}
          </ul>
          <form
            data-testid="claim-form"
            onSubmit={(e) => {
              e.preventDefault();
              act(() => call('inbox.claim', { address: claim.trim() })).then(() => setClaim(''));
            }}
          >
            <Field
              label={t('inboxClaimLabel')}
              hint={t('inboxHint')}
              name="claim"
              type="email"
              value={claim}
              onInput={setClaim}
            />
            <button type="submit" disabled={busy || !claim.includes('@')} data-testid="claim">
              {t('inboxClaim')}
            </button>
          </form>
          <Settings overview={overview} onError={fail} />
        </>
      )}
      <Rotation onError={fail} />
    </section>
  );
}
