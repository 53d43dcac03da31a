// Writing from the inbox page (docs/api.md, relay): a new message, a reply or a forward. Each
// recipient shows its key state from the one recipient rule (the compose page's Recipients list)
// before anything is sent. Recipients without a key get nothing until the sender chooses, for
// this message, to leave them out or to send them plaintext sealed to the relay after a plain
// warning confirmed for exactly those addresses (SendChoice.tsx). The background sends and keeps
// the Sent copy; the page gets states and results only.

import { useEffect, useState } from 'preact/hooks';
import { normalizeAddress } from '../../../shared/address.ts';
import { call } from '../../messages/client.ts';
import type { InboxSendView } from '../../messages/inbox-protocol.ts';
import type { KeyStatus } from '../../overlay/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ErrorText, Field, Progress, TextArea } from '../../ui/controls.tsx';
import { type Recipient, Recipients } from '../compose/Recipients.tsx';
import { type AttachedFile, readAttachment } from './attachment-read.ts';
import { SendChoice, type WithoutKey } from './SendChoice.tsx';
import { SendResult, sendFailureText } from './SendResult.tsx';

export interface ComposeStart {
  kind: 'new' | 'reply' | 'replyAll' | 'forward';
  /** The opened message a reply or forward starts from. */
  message?: { address: string; id: string };
}

function quote(q: { from: string; date: number | null; text: string }, forward: boolean): string {
  const when = q.date ? new Date(q.date).toLocaleString() : '';
  if (forward) return `\n\n${t('outboxForwarded', [q.from, when])}\n\n${q.text}`;
  const quoted = q.text
    .split(/\r?\n/)
    .map((l) => `> ${l}`)
    .join('\n');
  return `\n\n${t('outboxQuoteHeader', [when, q.from])}\n${quoted}`;
}

export function Compose(props: { from: string; start: ComposeStart; onClose(): void; onSent(): void }) {
  const [list, setList] = useState<Recipient[]>([]);
  const [field, setField] = useState<'to' | 'cc'>('to');
  const [statuses, setStatuses] = useState(new Map<string, KeyStatus>());
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<AttachedFile[]>([]);
  const [carried, setCarried] = useState<{ name: string; size: number }[]>([]);
  const [withoutKey, setWithoutKey] = useState<WithoutKey | null>(null);
  const [confirmed, setConfirmed] = useState<string[]>([]);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<InboxSendView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const { kind, message } = props.start;
  useEffect(() => {
    if (kind === 'new' || !message) return;
    call('inbox.draft', { ...message, kind })
      .then((d) => {
        setList([
          ...d.to.map((address) => ({ field: 'to' as const, address })),
          ...d.cc.map((address) => ({ field: 'cc' as const, address })),
        ]);
        setSubject(d.subject);
        setText(quote(d.quoted, kind === 'forward'));
        setCarried(d.attachments);
      })
      .catch((e) => setError(sendFailureText(e)));
  }, [kind, message?.address, message?.id]);

  const addresses = list.map((r) => r.address);
  useEffect(() => {
    if (addresses.length === 0) return;
    call('inbox.recipients', { addresses })
      .then((r) => setStatuses(new Map(r.statuses.map((s) => [normalizeAddress(s.address), s]))))
      .catch((e) => setError(sendFailureText(e)));
  }, [addresses.join(',')]);

  const keyless = addresses.filter((a) => statuses.get(normalizeAddress(a))?.kind === 'none');
  const refused = addresses.some((a) => statuses.get(normalizeAddress(a))?.kind === 'refused');
  const checked = addresses.every((a) => statuses.has(normalizeAddress(a)));
  // A choice is needed whenever someone has no key; "send unencrypted" needs every one confirmed.
  const ready =
    addresses.length > 0 &&
    checked &&
    !refused &&
    (keyless.length === 0 ||
      withoutKey === 'omit' ||
      (withoutKey === 'seal' && keyless.every((a) => confirmed.includes(normalizeAddress(a)))));
  const reading = files.some((f) => f.data === null);

  async function send() {
    setError(null);
    setSending(true);
    try {
      const of = (f: 'to' | 'cc') => list.filter((r) => r.field === f).map((r) => r.address);
      setResult(
        await call('inbox.send', {
          from: props.from,
          to: of('to'),
          cc: of('cc'),
          subject,
          text,
          attachments: files.map((f) => ({ name: f.name, type: f.type, data: f.data ?? '' })),
          ...(kind === 'reply' || kind === 'replyAll' ? { replyTo: message } : {}),
          ...(kind === 'forward' ? { forward: message } : {}),
          ...(keyless.length > 0 && withoutKey ? { withoutKey } : {}),
          confirmedUnencrypted: withoutKey === 'seal' ? confirmed : [],
        }),
      );
      props.onSent();
    } catch (e) {
      setError(sendFailureText(e));
    } finally {
      setSending(false);
    }
  }

  if (result) return <SendResult result={result} onClose={props.onClose} />;
  return (
    <section class="compose" data-testid="compose" aria-label={t('outboxHeading')}>
      <h2>{t(`outboxHeading_${kind}`)}</h2>
      <p class="muted" data-testid="compose-from">
        {t('outboxFrom', props.from)}
      </p>
      <label>
        {t('outboxAddAs')}{' '}
        <select
          data-testid="compose-field"
          value={field}
          onChange={(e) => setField((e.currentTarget as HTMLSelectElement).value as 'to' | 'cc')}
        >
          <option value="to">{t('recipientField_to')}</option>
          <option value="cc">{t('recipientField_cc')}</option>
        </select>
      </label>
      <Recipients
        list={list}
        statuses={statuses}
        onAdd={(address) =>
          setList((l) => (l.some((r) => r.address === address) ? l : [...l, { field, address }]))
        }
        onRemove={(r) => setList((l) => l.filter((x) => x !== r))}
      />
      {keyless.length > 0 && (
        <SendChoice
          keyless={keyless}
          choice={withoutKey}
          confirmed={confirmed}
          onChoice={setWithoutKey}
          onConfirm={setConfirmed}
        />
      )}
      {refused && (
        <p class="error" data-testid="compose-refused">
          {t('outboxRefused')}
        </p>
      )}
      <Field label={t('outboxSubject')} name="subject" value={subject} onInput={setSubject} />
      <p class="hint">{t('outboxSubjectProtected')}</p>
      <TextArea label={t('outboxBody')} name="text" rows={12} value={text} onInput={setText} />
      <div class="field">
        <label>
          {t('outboxAttach')}
          <input
            type="file"
            multiple
            data-testid="compose-file"
            onChange={(e) => {
              const input = e.currentTarget as HTMLInputElement;
              for (const file of Array.from(input.files ?? []))
                readAttachment(file, (f) =>
                  setFiles((fs) =>
                    fs.some((x) => x.key === f.key) ? fs.map((x) => (x.key === f.key ? f : x)) : [...fs, f],
                  ),
                ).catch((err) => setError(sendFailureText(err)));
              input.value = '';
            }}
          />
        </label>
        <ul class="attached" data-testid="compose-attachments">
          {carried.map((a) => (
            <li key={`carried-${a.name}`}>{t('outboxCarried', a.name)}</li>
          ))}
          {files.map((f) => (
            <li key={f.key}>
              {f.data === null ? (
                <Progress label={f.name} done={f.read} total={f.size} />
              ) : (
                <>
                  {f.name}{' '}
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => setFiles((fs) => fs.filter((x) => x.key !== f.key))}
                  >
                    {t('recipientRemove')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      </div>
      <ErrorText message={error} />
      <div class="actions">
        <button
          type="button"
          data-testid="compose-send"
          disabled={!ready || sending || reading}
          onClick={send}
        >
          {sending ? t('outboxSending') : t('outboxSend')}
        </button>
        <button type="button" class="secondary" onClick={props.onClose}>
          {t('outboxDiscard')}
        </button>
      </div>
    </section>
  );
}
