// The spare read frame: the overlay's performance path, apart from what binds a frame to its
// block (frame.ts, background/overlay.ts). Making an extension frame is most of the time from a
// message shown to its plaintext visible (bench overlay), so one is loaded ahead of need.

import type { ContentDeps } from './content.ts';
import { frame, frameStyle, newToken, READ_HEIGHT } from './frame.ts';
import { OWN_ATTRIBUTE } from './scan.ts';

// A read frame loaded ahead of need, hidden and without a token. A block found later takes
// this one: Node.moveBefore moves it into place keeping its document (insertBefore would reload
// it). The spare's URL carries a spare id (`read.html#spare.<id>`) that the frame binds on its
// port when it loads; the block's deposit names the id, and the background sends the view
// straight to that frame (background/overlay.ts). Without moveBefore every frame is made on
// demand, its token in its URL.
let spare: { frame: HTMLIFrameElement; id: string } | null = null;
// In the viewport with opacity 0, not off-screen or visibility:hidden: Chromium throttles the
// loading and rendering of cross-origin frames it considers hidden, which made the spare slow to
// load and slow to paint once placed (bench overlay).
const SPARE_STYLE =
  'position:fixed;top:0;left:0;width:320px;height:160px;border:0;opacity:0;pointer-events:none;z-index:-1';

interface MovableParent {
  moveBefore(node: Node, child: Node | null): void;
}

function canMove(): boolean {
  return typeof (Element.prototype as Partial<MovableParent>).moveBefore === 'function';
}

/** Whether a spare is loaded (or loading) in the page. */
export function hasSpare(): boolean {
  return !!spare?.frame.isConnected;
}

/**
 * Starts loading the spare read frame (once per page, and again after each use). Safe to call
 * at document_start: it goes under the root element, outside the body the webmail builds.
 */
export function warmReadFrame(deps: Pick<ContentDeps, 'frameUrl' | 'message'>): void {
  if (hasSpare() || !canMove() || !document.documentElement) return;
  // A hidden tab gets none: the spare's port would wake the background for nobody.
  if (document.visibilityState === 'hidden') return;
  const id = newToken();
  const f = frame(deps, 'read', `spare.${id}`, READ_HEIGHT);
  f.setAttribute(OWN_ATTRIBUTE, 'read-spare');
  f.setAttribute('aria-hidden', 'true');
  f.tabIndex = -1;
  f.style.cssText = SPARE_STYLE;
  document.documentElement.append(f);
  spare = { frame: f, id };
}

/**
 * The background went away (an MV3 background stops after 30 s without events, closing every
 * port), or the script stopped: the spare's binding went with it, so the spare can no longer be
 * given a block.
 */
export function dropSpare(): void {
  spare?.frame.remove();
  spare = null;
}

/**
 * Puts a read frame for `token` just before `before`: the spare when there is one (its id is
 * returned, for the deposit), else a new frame with the token in its URL.
 */
export function placeReadFrame(
  deps: Pick<ContentDeps, 'frameUrl' | 'message'>,
  token: string,
  before: Element,
): { frame: HTMLIFrameElement; spare?: string } {
  const parent = before.parentElement;
  const s = spare;
  spare = null;
  if (s?.frame.isConnected && parent) {
    try {
      // If the move throws, the block goes to a new frame and the spare is dropped.
      (parent as unknown as MovableParent).moveBefore(s.frame, before);
      s.frame.setAttribute(OWN_ATTRIBUTE, 'read');
      s.frame.removeAttribute('aria-hidden');
      s.frame.removeAttribute('tabindex');
      s.frame.style.cssText = frameStyle(READ_HEIGHT);
      return { frame: s.frame, spare: s.id };
    } catch {
      // A move across shadow roots or documents: fall through to a new frame.
    }
  }
  s?.frame.remove();
  const fresh = frame(deps, 'read', token, READ_HEIGHT);
  parent?.insertBefore(fresh, before);
  return { frame: fresh };
}
