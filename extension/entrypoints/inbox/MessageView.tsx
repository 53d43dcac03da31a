// One opened message: the background decrypts it (the first open with the private key, then it
// is re-sealed under the inbox key; later opens need that key only) and reads it with the one
// reader. The verdict and the parts are the read overlay's own components (ui/read), so the
// inbox says exactly what the overlay would. Large mail shows how far the open is.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../../messages/client.ts';
import type { InboxOpenView, InboxRowView } from '../../messages/inbox-protocol.ts';
import { t } from '../../platform/browser.ts';
import { Progress } from '../../ui/controls.tsx';
import { Failure } from '../../ui/read/Failure.tsx';
import { Parts } from '../../ui/read/Parts.tsx';
import { Verdict } from '../../ui/read/Verdict.tsx';
import { Attachments } from './Attachments.tsx';
import { AuthBadges } from './AuthBadges.tsx';
import { senderOf } from './MessageList.tsx';

type State =
  | { s: 'opening'; progress: { step: string; done: number; total: number } | null }
  | { s: 'open'; open: InboxOpenView }
  | { s: 'failure'; code: string; message: string };

function addressLine(row: InboxRowView): string {
  const from = row.from ? (row.from.name ? `${row.from.name} <${row.from.address}>` : row.from.address) : '';
  return from || senderOf(row);
}

export function MessageView(props: {
  address: string;
  id: string;
  onOpened(row: InboxRowView): void;
  actions: ComponentChildren;
}) {
  const [state, setState] = useState<State>({ s: 'opening', progress: null });
  useEffect(() => {
    let live = true;
    setState({ s: 'opening', progress: null });
    const timer = setInterval(() => {
      call('inbox.progress', { address: props.address, id: props.id })
        .then((progress) => live && setState((s) => (s.s === 'opening' ? { s: 'opening', progress } : s)))
        .catch(() => {});
    }, 200);
    call('inbox.open', { address: props.address, id: props.id })
      .then((open) => {
        if (!live) return;
        setState({ s: 'open', open });
        props.onOpened(open.row);
      })
      .catch((e: { code?: string; message?: string }) => {
        if (live) setState({ s: 'failure', code: e.code ?? 'internal', message: e.message ?? '' });
      })
      .finally(() => clearInterval(timer));
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [props.address, props.id]);

  if (state.s === 'opening')
    return (
      <article class="inbox-message" data-testid="opening" aria-busy="true">
        <p class="muted">{t('readDecrypting')}</p>
        {state.progress && state.progress.total > 1 && (
          <Progress
            label={t(`inboxStep_${state.progress.step}`)}
            done={state.progress.done}
            total={state.progress.total}
          />
        )}
      </article>
    );
  if (state.s === 'failure')
    return (
      <article class="inbox-message">
        <Failure code={state.code} message={state.message} />
        <div class="message-actions">{props.actions}</div>
      </article>
    );
  const { row, view } = state.open;
  return (
    <article
      class="inbox-message"
      data-testid="message"
      aria-labelledby="message-subject"
      data-private-key-used={state.open.privateKeyUsed ? 'true' : 'false'}
      data-resealed={state.open.resealed ? 'true' : 'false'}
    >
      <h2 id="message-subject" data-testid="message-subject">
        {view.subject ?? (row.subject || t('inboxNoSubject'))}
      </h2>
      <dl class="message-head">
        <dt>{t('inboxFrom')}</dt>
        <dd data-testid="message-from">{addressLine(row)}</dd>
        {row.to.length > 0 && (
          <>
            <dt>{t('inboxTo')}</dt>
            <dd>{row.to.map((a) => a.address).join(', ')}</dd>
          </>
        )}
        <dt>{t('inboxDate')}</dt>
        <dd>{new Date(row.date ?? row.receivedAt).toLocaleString()}</dd>
      </dl>
      {row.folder === 'inbox' && <AuthBadges auth={row.auth} />}
      <p class="muted" data-testid="stored-under" data-stored={row.stored}>
        {row.stored === 'inbox-v1' ? t('inboxStoredInboxKey') : t('inboxStoredDirectoryKey')}
        {state.open.resealFailed ? ` ${t('inboxResealFailed')}` : ''}
      </p>
      <div class="message-actions">{props.actions}</div>
      <Verdict verdict={view.verdict} />
      <Parts view={view} />
      <Attachments address={props.address} id={props.id} attachments={view.attachments} />
    </article>
  );
}
