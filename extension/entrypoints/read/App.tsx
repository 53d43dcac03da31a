// The read overlay: asks the background to open the block this frame's token names, then shows
// the verdict and the plaintext. Failures show in red with nothing of the message.

import { useEffect, useRef, useState } from 'preact/hooks';
import { fromBase64 } from '../../../shared/encoding.ts';
import { PORT_READ, spareFromFragment, tokenFromFragment } from '../../overlay/names.ts';
import type { ReadOut, ReadView } from '../../overlay/protocol.ts';
import { framePort, reportHeight } from '../../overlay/ui/frame-port.ts';
import { t } from '../../platform/browser.ts';
import { Icon } from '../../ui/Icon.tsx';
import { LockedPanel } from '../../ui/LockedPanel.tsx';
import { AttachmentFacts, saveAttachment } from '../../ui/read/AttachmentFacts.tsx';
import { Failure } from '../../ui/read/Failure.tsx';
import { Parts } from '../../ui/read/Parts.tsx';
import { Verdict } from '../../ui/read/Verdict.tsx';
import { TransparencyAlarm } from '../../ui/TransparencyAlarm.tsx';

const LOADING_DELAY_MS = 150;

type State =
  | { s: 'loading' }
  | { s: 'view'; view: ReadView }
  | { s: 'failure'; code: string; message: string; fullViewUrl: string | null; clipped: boolean };

function Attachments(props: { view: Extract<ReadView, { kind: 'message' }> }) {
  if (props.view.attachments.length === 0) return null;
  return (
    <ul data-testid="attachments">
      {props.view.attachments.map((a) => (
        <li key={a.name}>
          <button
            type="button"
            data-testid="download"
            onClick={() => saveAttachment(a.name, a.type, [fromBase64(a.data) as BlobPart])}
          >
            <Icon name="paperclip" />
            {t('readDownload', a.name)}
          </button>{' '}
          <AttachmentFacts a={a} />
        </li>
      ))}
    </ul>
  );
}

function KeyImport(props: {
  view: Extract<ReadView, { kind: 'key' }>;
  onImport: () => void;
  imported: boolean;
}) {
  const v = props.view;
  return (
    <div data-testid="key-block">
      <div class="subject">{t('readKeyHeading')}</div>
      <div class="muted">{t('readKeyFingerprint', v.fingerprint)}</div>
      <div>{t('readKeyIdentities')}</div>
      <ul data-testid="key-user-ids">
        {v.userIds.map((u) => (
          <li key={u}>{u}</li>
        ))}
      </ul>
      {!v.canEncrypt && <div class="badge warn">{t('readKeyCannotEncrypt')}</div>}
      {props.imported || v.imported ? (
        <div class="badge ok" data-testid="key-imported">
          {t('readKeyImported')}
        </div>
      ) : (
        <button type="button" class="primary" data-testid="import-key" onClick={props.onImport}>
          {t('readKeyImport')}
        </button>
      )}
    </div>
  );
}

// The request goes out as soon as the token is known, before any render: asking from a Preact
// effect would wait for the next animation frame (up to 35 ms in preact/hooks) on every read.
// A frame loaded ahead of need (the content script's spare, `#spare.<id>`) has no token: it binds
// its spare id at once and the background sends the token and then the view when the frame is
// given a block. One frame shows one message.
let token: string | null = tokenFromFragment(location.hash);
const spareId = token ? null : spareFromFragment(location.hash);
let tokenArrived: ((t: string) => void) | null = null;
const early: ReadOut[] = [];
let deliver: ((m: ReadOut) => void) | null = null;
const port = framePort<ReadOut>(PORT_READ, (m) => {
  if (m.t === 'assigned') {
    if (token) return;
    token = m.token;
    tokenArrived?.(m.token);
  } else if (deliver) deliver(m);
  else early.push(m);
});
if (token) port.post({ t: 'open', token });
// Bound once: if the background stops first, the content script drops this spare (content.ts).
else if (spareId) port.post({ t: 'spare', spare: spareId });

function stateAfter(state: State, m: ReadOut): State {
  if (m.t === 'view') return { s: 'view', view: m.view };
  if (m.t === 'failure') return { s: 'failure', ...m };
  return state;
}

export function App() {
  const [mine, setMine] = useState(token);
  const [state, setState] = useState<State>(() => early.reduce(stateAfter, { s: 'loading' } as State));
  const [imported, setImported] = useState(() => early.some((m) => m.t === 'imported'));
  tokenArrived = setMine;
  // Locked: ask again once unlocked, here or anywhere else (popup, options, another frame). The
  // background decrypts afresh; the frame is not reloaded.
  const locked = state.s === 'failure' && state.code === 'locked';
  const asked = useRef(false);
  if (!locked) asked.current = false;
  const retry = () => {
    // Once per locked failure: the frame's own unlock and the notice that follows it both land here.
    if (!mine || !locked || asked.current) return;
    asked.current = true;
    setState({ s: 'loading' });
    port.post({ t: 'open', token: mine });
  };
  // The background tells every open frame of an unlock over its port (background/overlay.ts).
  deliver = (m) => {
    if (m.t === 'imported') setImported(true);
    else if (m.t === 'lock') {
      if (m.state === 'unlocked') retry();
    } else setState((s) => stateAfter(s, m));
  };
  useEffect(() => {
    if (!mine) return;
    reportHeight((height) => port.post({ t: 'resize', token: mine, height }));
  }, [mine]);
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    if (!mine) return;
    const timer = setTimeout(() => setSlow(true), LOADING_DELAY_MS);
    return () => clearTimeout(timer);
  }, [mine]);

  // Waiting to be placed: nothing to show. A read usually ends within a frame or two; the
  // "decrypting" line shows only when it does not (LOADING_DELAY_MS), so a warm read paints
  // once instead of laying out the line and then the message (bench overlay).
  if (!mine) return null;
  if (state.s === 'loading')
    return slow ? (
      <div class="frame muted" data-testid="loading">
        {t('readDecrypting')}
      </div>
    ) : null;
  if (locked) return <LockedPanel what="read" onUnlocked={retry} />;
  if (state.s === 'failure')
    return (
      <Failure
        code={state.code}
        message={state.message}
        clipped={state.clipped}
        fullViewUrl={state.fullViewUrl}
      />
    );
  const view = state.view;
  if (view.kind === 'clipped') return null;
  if (view.kind === 'key') {
    return (
      <div class="frame">
        <KeyImport
          view={view}
          imported={imported}
          onImport={() => port.post({ t: 'importKey', token: mine })}
        />
      </div>
    );
  }
  return (
    <div class="frame" data-testid="message">
      <TransparencyAlarm />
      <Verdict verdict={view.verdict} />
      {view.subject !== null && (
        <div class="subject" data-testid="subject">
          {view.subject}
        </div>
      )}
      <Parts view={view} />
      <Attachments view={view} />
    </div>
  );
}
