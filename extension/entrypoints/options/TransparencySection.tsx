// Key transparency in the options page (docs/spec/transparency-v1.md §9.4): the pinned log key
// with its key ID (compare it out of band), an optional required witness, the last checkpoint and
// self-check, "check now", and every alarm with the signed evidence it keeps.

import { useEffect, useState } from 'preact/hooks';
import { CommandError, call } from '../../messages/client.ts';
import type { TransparencyView } from '../../messages/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ErrorText, Field } from '../../ui/controls.tsx';

const when = (at: number | null | undefined) => (at ? new Date(at).toLocaleString() : t('transparencyNever'));

export function TransparencySection() {
  const [view, setView] = useState<TransparencyView | null>(null);
  const [witness, setWitness] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call('transparency.status', {}).then((v) => {
      setView(v);
      setWitness(v.witnessKey ?? '');
    });
  }, []);
  async function run(fn: () => Promise<TransparencyView>) {
    setBusy(true);
    setError('');
    try {
      setView(await fn());
    } catch (e) {
      setError(e instanceof CommandError ? e.message : String(e));
      setView(await call('transparency.status', {}));
    } finally {
      setBusy(false);
    }
  }
  if (!view) return null;
  return (
    <section id="transparency" aria-labelledby="transparency-h" data-testid="transparency">
      <h2 id="transparency-h">{t('transparencyHeading')}</h2>
      <p>{t('transparencyIntro')}</p>
      <dl>
        <dt>{t('transparencyLogKey')}</dt>
        <dd data-testid="transparency-log-key">
          {view.logKey
            ? t('transparencyLogKeyPinned', [
                view.logKey.name,
                view.logKey.keyId,
                t(view.logKey.source === 'configured' ? 'transparencyConfigured' : 'transparencyFirstUse'),
              ])
            : t('transparencyNotPinned')}
          {view.logKey && <code class="fingerprint">{view.logKey.vkey}</code>}
        </dd>
        <dt>{t('transparencyCheckpoint')}</dt>
        <dd data-testid="transparency-checkpoint">
          {view.checkpoint
            ? t('transparencyCheckpointSeen', [String(view.checkpoint.size), when(view.checkpoint.at)])
            : t('transparencyNever')}
        </dd>
        <dt>{t('transparencySelfCheck')}</dt>
        <dd data-testid="transparency-self-check">{when(view.lastSelfCheck)}</dd>
      </dl>
      <button
        type="button"
        disabled={busy}
        data-testid="transparency-check"
        onClick={() => run(() => call('transparency.check', {}))}
      >
        {t('transparencyCheckNow')}
      </button>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(() => call('transparency.configure', { witnessKey: witness.trim() || null }));
        }}
      >
        <Field
          label={t('transparencyWitness')}
          hint={t('transparencyWitnessHint')}
          name="witness"
          value={witness}
          onInput={setWitness}
        />
        <button type="submit" class="secondary" disabled={busy}>
          {t('transparencySave')}
        </button>
      </form>
      <ErrorText message={error} />
      {view.alarms.length > 0 && (
        <div data-testid="transparency-alarms">
          <h3>{t('transparencyAlarms')}</h3>
          {view.alarms.map((a) => (
            <div key={`${a.at}-${a.detail}`} data-kind={a.kind}>
              <div class="badge danger" role="alert">
                {when(a.at)}: {a.detail}
              </div>
              <details open>
                <summary>{t('transparencyEvidence')}</summary>
                {a.evidence.map((e) => (
                  <pre key={e}>{e}</pre>
                ))}
              </details>
            </div>
          ))}
        </div>
      )}
    </section>
  );
}
