// The extension frames the content script puts in the page. Each is named by a fresh random
// token (or spare id) in its URL; the background hands a frame only what that name deposited, in
// the same tab and once (docs/threat-model.md, the webmail page; background/overlay.ts).

import type { ContentDeps } from './content.ts';
import { OWN_ATTRIBUTE } from './scan.ts';

export const READ_HEIGHT = 160;
export const COMPOSE_HEIGHT = 460;

// The content script's own encoding (btoa): a codec library would cost its 30 KB budget.
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_');
}

export function frameStyle(height: number): string {
  return `display:block;width:100%;min-width:320px;height:${height}px;border:0;margin:4px 0;color-scheme:normal`;
}

export function frame(
  deps: Pick<ContentDeps, 'frameUrl' | 'message'>,
  page: 'read' | 'compose',
  fragment: string,
  height: number,
): HTMLIFrameElement {
  const f = document.createElement('iframe');
  f.setAttribute(OWN_ATTRIBUTE, page);
  f.title = deps.message(page === 'read' ? 'readFrameTitle' : 'composeFrameTitle');
  f.style.cssText = frameStyle(height);
  f.src = deps.frameUrl(`/${page}.html#${fragment}`);
  return f;
}
