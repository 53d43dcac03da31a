// What the read overlay and the inbox page say beside an attachment (its size and whether
// encryption covered it), and how either saves one: a blob URL of our own origin clicked as a
// download, so the web page never sees the bytes.

import { t } from '../../platform/browser.ts';

export function AttachmentFacts(props: { a: { size: number; encrypted: boolean } }) {
  const { a } = props;
  return (
    <>
      <span class="muted">{t('composeBytes', a.size.toLocaleString())}</span>{' '}
      <span class={a.encrypted ? 'muted' : 'badge warn'} data-testid="attachment-protection">
        {a.encrypted ? t('readAttachmentEncrypted') : t('readAttachmentNotProtected')}
      </span>
    </>
  );
}

export function saveAttachment(name: string, type: string, parts: BlobPart[]): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob(parts, { type: type || 'application/octet-stream' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
