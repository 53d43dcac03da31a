// The compose overlay: recipients from the webmail (editable, each with its key status), subject,
// text, attachments and signing; Encrypt (or Ctrl/Cmd+Enter) has the background encrypt and the
// content script put the armored result into the webmail's own editor. Recipients without a key
// block encryption until removed: nothing is ever sent in clear without the user choosing so.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { normalizeAddress } from '../../../shared/address.ts';
import { toBase64 } from '../../../shared/encoding.ts';
import { call } from '../../messages/client.ts';
import { PORT_COMPOSE, tokenFromFragment } from '../../overlay/names.ts';
import type { ComposeContext, ComposeOut, KeyStatus } from '../../overlay/protocol.ts';
import { framePort, reportHeight } from '../../overlay/ui/frame-port.ts';
import { t } from '../../platform/browser.ts';
import type { NamedRecipient } from '../../providers/types.ts';
import { failureText } from '../../ui/failure-text.ts';
import { Icon } from '../../ui/Icon.tsx';
import { LockedPanel } from '../../ui/LockedPanel.tsx';
import { SecurityMark } from '../../ui/SecurityMark.tsx';
import { TransparencyAlarm } from '../../ui/TransparencyAlarm.tsx';
import { type Recipient, Recipients } from './Recipients.tsx';

interface FileItem {
  name: string;
  type: string;
  size: number;
  data: string | null;
  read: number;
}

type Phase =
  | { p: 'editing' }
  | { p: 'working'; step: string; done: number; total: number }
  | { p: 'done'; format: string; registered: boolean }
  | { p: 'failure'; message: string };

function readFile(file: File, onProgress: (loaded: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (e) => onProgress(e.loaded);
    reader.onerror = () => reject(new Error(t('composeReadFailed', file.name)));
    reader.onload = () => resolve(toBase64(new Uint8Array(reader.result as ArrayBuffer)));
    reader.readAsArrayBuffer(file);
  });
}

interface NamedMatch extends NamedRecipient {
  address: string;
}

/**
 * Recipients the webmail shows by name only: a name that exactly one contact's key carries
 * becomes that address (shown to the user for checking); any other name is left to the user.
 */
async function resolveNames(
  names: NamedRecipient[],
): Promise<{ found: NamedMatch[]; left: NamedRecipient[] }> {
  const found: NamedMatch[] = [];
  const left: NamedRecipient[] = [];
  for (const n of names) {
    const matches = await call('contacts.byName', { name: n.name }).catch(() => []);
    const only = matches.length === 1 ? matches[0] : undefined;
    if (only) found.push({ ...n, address: only.address });
    else left.push(n);
  }
  return { found, left };
}

export function App() {
  const token = tokenFromFragment(location.hash);
  const [context, setContext] = useState<ComposeContext | null>(null);
  const [list, setList] = useState<Recipient[]>([]);
  const [statuses, setStatuses] = useState(new Map<string, KeyStatus>());
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [sign, setSign] = useState(true);
  const [files, setFiles] = useState<FileItem[]>([]);
  const [phase, setPhase] = useState<Phase>({ p: 'editing' });
  const [named, setNamed] = useState<NamedMatch[]>([]);
  const [unresolved, setUnresolved] = useState<NamedRecipient[]>([]);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const contextSeen = useRef(false);

  const [port] = useState(() => {
    const p = framePort<ComposeOut>(PORT_COMPOSE, (m) => {
      // Locked or unlocked anywhere (popup, options, another frame): ask for the context again.
      if (m.t === 'lock') {
        if (token) p.post({ t: 'hello', token });
      } else if (m.t === 'context') {
        // Asked again after a lock or unlock (the notice above): only the lock state and
        // the sender change; what the user already edited stays.
        const { from, unlocked } = m.context;
        if (contextSeen.current) return setContext((prev) => prev && { ...prev, from, unlocked });
        contextSeen.current = true;
        setContext(m.context);
        setSubject(m.context.subject);
        setList([
          ...m.context.to.map((address) => ({ field: 'to' as const, address })),
          ...m.context.cc.map((address) => ({ field: 'cc' as const, address })),
          ...m.context.bcc.map((address) => ({ field: 'bcc' as const, address })),
        ]);
        resolveNames(m.context.unresolved).then(({ found, left }) => {
          setList((l) => [...l, ...found.map(({ field, address }) => ({ field, address }))]);
          setNamed(found);
          setUnresolved(left);
        });
      } else if (m.t === 'keys') {
        setStatuses((prev) => {
          const next = new Map(prev);
          for (const s of m.statuses) next.set(normalizeAddress(s.address), s);
          return next;
        });
      } else if (m.t === 'progress') setPhase({ p: 'working', step: m.step, done: m.done, total: m.total });
      else if (m.t === 'done') {
        // The ciphertext is in the webmail's editor: the plaintext leaves this frame's DOM and state.
        setText('');
        setSubject('');
        setFiles([]);
        setPhase({ p: 'done', format: m.format, registered: m.modelRegistered });
      } else if (m.t === 'failure') setPhase({ p: 'failure', message: failureText(m.code, m.message) });
    });
    return p;
  });

  useEffect(() => {
    if (!token) return;
    port.post({ t: 'hello', token });
    reportHeight((height) => port.post({ t: 'resize', token, height }));
    textRef.current?.focus();
  }, []);

  const unknown = list.filter((r) => !statuses.has(normalizeAddress(r.address))).map((r) => r.address);
  useEffect(() => {
    if (token && unknown.length > 0) port.post({ t: 'keys', token, addresses: unknown });
  }, [unknown.join(',')]);

  const kinds = list.map((r) => statuses.get(normalizeAddress(r.address))?.kind);
  const missing = list.filter((r) => statuses.get(normalizeAddress(r.address))?.kind === 'none');
  // A directory answer whose transparency proof failed: never used, and the reason is shown.
  const refused = list.flatMap((r) => {
    const s = statuses.get(normalizeAddress(r.address));
    return s?.kind === 'refused' ? [s] : [];
  });
  // envelope-v1 identities pinned per contact: a changed one goes out as OpenPGP, with this warning.
  const changedIdentities = list.flatMap((r) => {
    const s = statuses.get(normalizeAddress(r.address));
    return s?.kind === 'pgp' && s.envelopeChanged ? [{ address: r.address, ...s.envelopeChanged }] : [];
  });
  const format =
    kinds.length > 0 && kinds.every((k) => k === 'native') && sign
      ? t('composeFormatNative')
      : t('composeFormatPgp');
  const ready =
    list.length > 0 && missing.length === 0 && refused.length === 0 && kinds.every((k) => k !== undefined);
  const totalBytes = useMemo(() => files.reduce((n, f) => n + f.size, 0), [files]);
  const readBytes = files.reduce((n, f) => n + f.read, 0);

  async function encrypt() {
    if (!token || !ready || phase.p === 'working') return;
    if (files.some((f) => f.data === null)) return;
    setPhase({ p: 'working', step: 'encrypting', done: 0, total: 1 });
    const by = (field: Recipient['field']) => list.filter((r) => r.field === field).map((r) => r.address);
    port.post({
      t: 'encrypt',
      token,
      to: by('to'),
      cc: by('cc'),
      bcc: by('bcc'),
      subject,
      text,
      sign,
      attachments: files.map((f) => ({ name: f.name, type: f.type, data: f.data ?? '' })),
    });
  }

  async function addFiles(picked: FileList | null) {
    for (const file of [...(picked ?? [])]) {
      const item: FileItem = { name: file.name, type: file.type, size: file.size, data: null, read: 0 };
      setFiles((prev) => [...prev, item]);
      const data = await readFile(file, (loaded) => {
        item.read = loaded;
        setFiles((prev) => [...prev]);
      });
      item.data = data;
      item.read = file.size;
      setFiles((prev) => [...prev]);
    }
  }

  if (!token) return <div class="failure">{t('composeNoFrame')}</div>;
  if (context && !context.unlocked)
    return <LockedPanel what="compose" onUnlocked={() => port.post({ t: 'hello', token })} />;
  if (phase.p === 'done') {
    return (
      <div class="frame inserted" role="status" data-testid="compose-done" data-format={phase.format}>
        <span class="row">
          {context && <SecurityMark />}
          <Icon name="lock" />
          <strong>{t('composeInserted')}</strong>
        </span>
        <button type="button" data-testid="compose-close" onClick={() => port.post({ t: 'close', token })}>
          {t('composeClose')}
        </button>
      </div>
    );
  }
  return (
    <form
      class="frame"
      data-testid="compose"
      onSubmit={(e) => {
        e.preventDefault();
        encrypt();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          encrypt();
        } else if (e.key === 'Escape') port.post({ t: 'close', token });
      }}
    >
      <div class="row" style={{ justifyContent: 'space-between' }}>
        <span class="row">
          {context && <SecurityMark />}
          <strong class="row">
            <Icon name="lock" />
            {context?.from ? t('composeHeadingFrom', context.from) : t('composeHeading')}
          </strong>
        </span>
        <span class="muted" data-testid="format">
          {t('composeFormat', format)}
        </span>
      </div>
      <TransparencyAlarm />
      {context && context.typedChars > 0 && (
        <div class="badge warn" role="alert" data-testid="draft-warning">
          {t('composeDraftWarning', String(context.typedChars))}
        </div>
      )}
      {named.length > 0 && (
        <div class="badge warn" data-testid="named-recipients">
          {t('composeNamed', named.map((n) => `${n.name} → ${n.address}`).join(', '))}
        </div>
      )}
      {unresolved.length > 0 && (
        <div class="badge warn" data-testid="unresolved-recipients">
          {t('composeUnresolved', unresolved.map((u) => u.name).join(', '))}
        </div>
      )}
      <Recipients
        list={list}
        statuses={statuses}
        onRemove={(r) => setList((l) => l.filter((x) => x !== r))}
        onAdd={(address) => setList((l) => [...l, { field: 'to', address }])}
      />
      {changedIdentities.map((c) => (
        <div class="badge danger" role="alert" data-testid="identity-changed" key={c.address}>
          {t('composeIdentityChanged', [c.address, c.pinned.slice(-16), c.seen.slice(-16)])}
        </div>
      ))}
      {refused.map((r) => (
        <div class="badge danger" role="alert" data-testid="refused-key" key={r.address}>
          {r.reason}
        </div>
      ))}
      {missing.length > 0 && (
        <div class="badge danger" role="alert" data-testid="missing-keys">
          {t('composeMissingKeys', missing.map((m) => m.address).join(', '))}
        </div>
      )}
      <label for="subject">{t('composeSubjectLabel')}</label>
      <input
        id="subject"
        data-testid="subject"
        value={subject}
        onInput={(e) => setSubject((e.currentTarget as HTMLInputElement).value)}
      />
      <label for="text">{t('composeMessageLabel')}</label>
      <textarea
        id="text"
        ref={textRef}
        data-testid="text"
        value={text}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
      />
      <div class="row">
        <label>
          <input
            type="checkbox"
            checked={sign}
            style={{ width: 'auto' }}
            onChange={(e) => setSign((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {t('composeSign')}
        </label>
        <label>
          {t('composeAttach')}{' '}
          <input
            type="file"
            multiple
            data-testid="files"
            style={{ width: 'auto' }}
            onChange={(e) => addFiles((e.currentTarget as HTMLInputElement).files)}
          />
        </label>
      </div>
      {files.length > 0 && (
        <ul data-testid="file-list">
          {files.map((f) => (
            <li key={f.name}>
              <Icon name="paperclip" /> {f.name}{' '}
              <span class="muted">{t('composeBytes', f.size.toLocaleString())}</span>
            </li>
          ))}
        </ul>
      )}
      {(phase.p === 'working' || (totalBytes > 0 && readBytes < totalBytes)) && (
        <div data-testid="progress">
          <progress
            max={phase.p === 'working' ? phase.total : totalBytes}
            value={phase.p === 'working' ? phase.done : readBytes}
          />
          <span class="muted">
            {phase.p === 'working'
              ? phase.step === 'encrypting'
                ? t('composeEncrypting')
                : t('composeInserting')
              : t('composeReading')}
          </span>
        </div>
      )}
      {phase.p === 'failure' && (
        <div class="failure" role="alert" data-testid="compose-failure">
          {phase.message}
        </div>
      )}
      <div class="row" style={{ marginTop: '6px' }}>
        <button
          type="submit"
          class="primary"
          data-testid="encrypt"
          disabled={!ready || phase.p === 'working'}
        >
          {t('composeEncrypt')}
        </button>
        <button type="button" onClick={() => port.post({ t: 'close', token })}>
          {t('composeClose')}
        </button>
      </div>
    </form>
  );
}
