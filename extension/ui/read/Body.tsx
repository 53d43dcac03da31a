// The decrypted body. Text goes in as text. HTML is sanitized with DOMPurify and shown in a
// sandboxed frame without scripts whose CSP refuses remote content until the reader asks for
// images (EFAIL, 2018: decrypted HTML must not load anything by itself).

import type { DOMPurify } from 'dompurify';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../platform/browser.ts';

const STRICT = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";
const WITH_IMAGES =
  "default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'; font-src data:";

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function sanitizedDocument(purify: DOMPurify, html: string, allowImages: boolean): string {
  const clean = purify.sanitize(html, {
    FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'base', 'meta', 'link'],
    FORBID_ATTR: ['srcset', 'ping', 'action', 'formaction'],
  });
  const csp = allowImages ? WITH_IMAGES : STRICT;
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}"><base target="_blank"></head><body>${clean}</body></html>`;
}

/** `hasRemote` comes from shared/reader's scan (scanHtmlContent): what rendering would fetch. */
export function HtmlBody(props: { html: string; hasRemote: boolean }) {
  const [images, setImages] = useState(false);
  const hasRemote = props.hasRemote;
  const [doc, setDoc] = useState<string | null>(null);
  useEffect(() => {
    // Loaded only for HTML mail: plain-text mail (the common case) shows sooner without it.
    import('dompurify').then((m) => setDoc(sanitizedDocument(m.default, props.html, images)));
  }, [props.html, images]);
  if (doc === null) return <div class="muted">{t('readPreparing')}</div>;
  return (
    <div>
      {hasRemote && !images && (
        <div class="row muted">
          {t('readImagesBlocked')}
          <button type="button" data-testid="load-images" onClick={() => setImages(true)}>
            {t('readLoadImages')}
          </button>
        </div>
      )}
      <iframe
        class="html-frame"
        data-testid="html-body"
        title={t('readBodyTitle')}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        srcdoc={doc}
        onLoad={(e) => {
          const f = e.currentTarget as HTMLIFrameElement;
          // Same-origin access is denied by the sandbox; size from the content is not readable,
          // so give the frame a generous height.
          f.style.height = `${Math.min(2000, Math.max(120, props.html.length / 4))}px`;
        }}
      />
    </div>
  );
}

export function TextBody(props: { text: string }) {
  return (
    <pre class="plain" data-testid="plaintext">
      {props.text}
    </pre>
  );
}
