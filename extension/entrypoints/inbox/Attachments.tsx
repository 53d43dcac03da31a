// Attachments of an opened message: the background hands the bytes over in pieces, so a large
// one shows its progress; the file is then saved from a blob URL of our own origin.

import { useState } from 'preact/hooks';
import { fromBase64 } from '../../../shared/encoding.ts';
import { call } from '../../messages/client.ts';
import type { AttachmentView } from '../../overlay/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ErrorText, Progress } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';

function save(name: string, type: string, pieces: Uint8Array[]): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(
    new Blob(pieces as BlobPart[], { type: type || 'application/octet-stream' }),
  );
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

function Attachment(props: { address: string; id: string; index: number; a: AttachmentView }) {
  const [done, setDone] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setError(null);
    setDone(0);
    try {
      const pieces: Uint8Array[] = [];
      for (let offset = 0; ; ) {
        const piece = await call('inbox.attachment', {
          address: props.address,
          id: props.id,
          index: props.index,
          offset,
        });
        const bytes = fromBase64(piece.data);
        pieces.push(bytes);
        offset += bytes.length;
        setDone(offset);
        if (offset >= piece.total || bytes.length === 0) break;
      }
      save(props.a.name, props.a.type, pieces);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setDone(null);
    }
  }
  const a = props.a;
  return (
    <li data-testid="attachment">
      <button
        type="button"
        class="secondary"
        data-testid="download"
        onClick={download}
        disabled={done !== null}
      >
        {t('readDownload', a.name)}
      </button>{' '}
      <span class="muted">{t('composeBytes', a.size.toLocaleString())}</span>{' '}
      <span class={a.encrypted ? 'muted' : 'badge warn'} data-testid="attachment-protection">
        {a.encrypted ? t('readAttachmentEncrypted') : t('readAttachmentNotProtected')}
      </span>
      {done !== null && (
        <div data-testid="download-progress">
          <Progress label={t('inboxDownloading', a.name)} done={done} total={a.size || 1} />
        </div>
      )}
      <ErrorText message={error} />
    </li>
  );
}

export function Attachments(props: { address: string; id: string; attachments: AttachmentView[] }) {
  if (props.attachments.length === 0) return null;
  return (
    <ul class="attachments" data-testid="attachments" aria-label={t('inboxAttachments')}>
      {props.attachments.map((a, i) => (
        <Attachment key={`${i}-${a.name}`} address={props.address} id={props.id} index={i} a={a} />
      ))}
    </ul>
  );
}
