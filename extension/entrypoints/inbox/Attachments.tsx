// Attachments of an opened message: the background hands the bytes over in pieces, so a large
// one shows its progress; the file is then saved as the read overlay saves one (ui/read).

import { useState } from 'preact/hooks';
import { fromBase64 } from '../../../shared/encoding.ts';
import { call } from '../../messages/client.ts';
import type { AttachmentView } from '../../overlay/protocol.ts';
import { t } from '../../platform/browser.ts';
import { ErrorText, Progress } from '../../ui/controls.tsx';
import { errorText } from '../../ui/failure-text.ts';
import { Icon } from '../../ui/Icon.tsx';
import { AttachmentFacts, saveAttachment } from '../../ui/read/AttachmentFacts.tsx';

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
      saveAttachment(props.a.name, props.a.type, pieces as BlobPart[]);
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
        <Icon name="paperclip" />
        {t('readDownload', a.name)}
      </button>{' '}
      <AttachmentFacts a={a} />
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
