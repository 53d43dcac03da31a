// The content script's work: watch the page (throttled MutationObserver), put a read frame over
// each armored block and an Encrypt button beside each compose editor, and insert ciphertext
// the background hands back. It holds no keys and no crypto library, and never sees plaintext:
// it passes the page's own ciphertext, recipients and subject to the background, and the frames
// (extension origin) talk to the background over their own ports. DOM is built with
// createElement/textContent only (Gmail's Trusted Types CSP refuses innerHTML strings).

import { selectAdapter } from '../providers/index.ts';
import type { Composer, ProviderAdapter } from '../providers/types.ts';
import { PORT_RELAY, type RelayMessage, type RelayOut } from './names.ts';
import type { OverlayPort } from './runtime-port.ts';
import { clippedWithoutBlock, OWN_ATTRIBUTE, scanBlocks, scanComposers, textWithBreaks } from './scan.ts';

export interface ContentDeps {
  connect(name: string): OverlayPort;
  frameUrl(path: string): string;
  /** A text of _locales in the browser's language (browser.i18n.getMessage). */
  message(key: string): string;
  /** Registers cleanup for when the extension reloads (WXT's ctx.onInvalidated). */
  onInvalidated(fn: () => void): void;
}

// A change on a quiet page is scanned at once, and scans are at least SCAN_INTERVAL_MS apart:
// changes within the interval are scanned at its end. A debounce that restarts on every change
// would never scan on a page that keeps changing (Gmail's clocks and counters), and any delay
// before the first scan is on the warm read's path (bench overlay).
export const SCAN_INTERVAL_MS = 150;
const READ_HEIGHT = 160;
const COMPOSE_HEIGHT = 460;
const BIG_INSERT = 512 * 1024;
// Long enough that a multi-page webmail, where each page lives a second or two, does not load a
// spare it will never use (it slowed the next page's read, bench overlay); a single-page webmail
// (Gmail, Outlook) keeps it for the next message opened.
const SPARE_DELAY_MS = 3000;
export const KEEPALIVE_MS = 25_000;

function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_');
}

function frameStyle(height: number): string {
  return `display:block;width:100%;min-width:320px;height:${height}px;border:0;margin:4px 0;color-scheme:normal`;
}

function frame(
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

// A read frame loaded ahead of need, hidden and without a token. Making an extension frame
// (navigation, its process's frame and script context, the page's scripts) is most of the time
// from a message shown to its plaintext visible (bench overlay), so a block found later takes
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

/**
 * Starts loading the spare read frame (once per page, and again after each use). Safe to call
 * at document_start: it goes under the root element, outside the body the webmail builds.
 */
export function warmReadFrame(deps: Pick<ContentDeps, 'frameUrl' | 'message'>): void {
  if (spare?.frame.isConnected || !canMove() || !document.documentElement) return;
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
 * port): the spare's binding went with it, so the spare can no longer be given a block.
 */
function dropSpare(): void {
  spare?.frame.remove();
  spare = null;
}

let earlyRelay: OverlayPort | null = null;

/**
 * For the content script's document_start: starts loading the spare read frame and connects to
 * the background, which then unlocks the OpenPGP key (if the extension is unlocked). The first
 * block found at DOMContentLoaded then waits for neither; startOverlays takes over the port.
 */
export function prepareOverlays(deps: ContentDeps): void {
  warmReadFrame(deps);
  if (earlyRelay) return;
  const p = deps.connect(PORT_RELAY);
  p.onDisconnect.addListener(() => {
    if (earlyRelay === p) earlyRelay = null;
    dropSpare();
  });
  earlyRelay = p;
}

/**
 * Puts a read frame for `token` just before `before`: the spare when there is one (its id is
 * returned, for the deposit), else a new frame with the token in its URL.
 */
function placeReadFrame(
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

function execInsert(text: string): boolean {
  return typeof document.execCommand === 'function' && document.execCommand('insertText', false, text);
}

/** Replaces the editor's content with `text` the way typing would, so the webmail's model sees it. */
export function insertIntoEditor(composer: Composer, text: string): { ok: boolean; registered: boolean } {
  const body = composer.body;
  let registered = false;
  const onInput = () => {
    registered = true;
  };
  body.addEventListener('input', onInput);
  try {
    body.focus();
    if (composer.kind === 'textarea') {
      (body as unknown as HTMLTextAreaElement).select();
    } else {
      const range = document.createRange();
      range.selectNodeContents(body);
      const sel = getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
    }
    // execCommand is deprecated but is still the one call that goes through the editor's own
    // input pipeline (beforeinput/input with inputType insertText) in both engines.
    // Megabytes through execCommand take minutes in Chromium: big ciphertext is set directly,
    // with the same input event the webmail listens to.
    let ok = text.length < BIG_INSERT && execInsert(text);
    const current =
      composer.kind === 'textarea' ? (body as unknown as HTMLTextAreaElement).value : textWithBreaks(body);
    if (!ok || !current.includes(text.split('\n')[0] ?? '')) {
      if (composer.kind === 'textarea') (body as unknown as HTMLTextAreaElement).value = text;
      else {
        const nodes: Node[] = [];
        text.split('\n').forEach((line, i) => {
          if (i > 0) nodes.push(document.createElement('br'));
          nodes.push(document.createTextNode(line));
        });
        body.replaceChildren(...nodes);
      }
      body.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
      ok = true;
    }
    return { ok, registered };
  } finally {
    body.removeEventListener('input', onInput);
  }
}

function setSubject(composer: Composer, subject: string): void {
  const input = composer.subjectInput;
  if (!input) return;
  input.focus();
  input.select();
  if (!execInsert(subject) || input.value !== subject) {
    input.value = subject;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: subject }));
  }
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

export function startOverlays(
  deps: ContentDeps,
  adapter: ProviderAdapter = selectAdapter(location, document),
): () => void {
  const seen = new WeakSet<Element>();
  const frames = new Map<string, { frame: HTMLIFrameElement; composer?: Composer; hidden?: HTMLElement }>();
  let port: OverlayPort | null = null;
  let stopped = false;

  const relay = (): OverlayPort => {
    if (port) return port;
    const p = earlyRelay ?? deps.connect(PORT_RELAY);
    earlyRelay = null;
    p.onMessage.addListener((m) => handle(m as RelayOut));
    p.onDisconnect.addListener(() => {
      port = null;
      dropSpare();
    });
    port = p;
    return p;
  };
  const post = (m: RelayMessage) => relay().postMessage(m);

  function handle(m: RelayOut): void {
    const entry = frames.get(m.token);
    if (!entry) return;
    if (m.t === 'resize') entry.frame.style.height = `${Math.min(m.height, 4000)}px`;
    else if (m.t === 'close') close(m.token);
    else if (m.t === 'insert' && entry.composer) {
      const result = insertIntoEditor(entry.composer, m.armored);
      if (result.ok && m.subject !== null) setSubject(entry.composer, m.subject);
      post({ t: 'inserted', token: m.token, ok: result.ok, modelRegistered: result.registered });
    }
  }

  function close(token: string): void {
    const entry = frames.get(token);
    if (!entry) return;
    entry.frame.remove();
    frames.delete(token);
    post({ t: 'forget', token });
    entry.composer?.body.focus();
  }

  async function openCompose(composer: Composer): Promise<void> {
    for (const e of frames.values()) {
      if (e.composer?.body === composer.body) {
        e.frame.focus();
        return;
      }
    }
    const token = newToken();
    const recipients = await composer.resolveRecipients();
    const typed = (
      composer.kind === 'textarea'
        ? (composer.body as unknown as HTMLTextAreaElement).value
        : textWithBreaks(composer.body)
    ).trim();
    post({
      t: 'compose',
      token,
      ...recipients,
      subject: composer.subject(),
      typedChars: /-----BEGIN /.test(typed) ? 0 : typed.length,
      provider: composer.provider,
    });
    const f = frame(deps, 'compose', token, COMPOSE_HEIGHT);
    frames.set(token, { frame: f, composer });
    composer.body.parentElement?.insertBefore(f, composer.body);
    f.focus();
  }

  function composeButton(composer: Composer): HTMLElement {
    const b = document.createElement('button');
    b.type = 'button';
    b.setAttribute(OWN_ATTRIBUTE, 'compose-button');
    // Words only: an emoji lock is an empty box where no emoji font is installed, and an SVG
    // one costs more of the content script's 30 KB than it is worth.
    b.textContent = deps.message('composeButton');
    b.title = deps.message('composeButtonTitle');
    b.style.cssText =
      'display:inline-block;margin:4px 0;padding:4px 10px;border:1px solid #1a5fb4;border-radius:4px;background:#fff;color:#1a5fb4;font:600 13px system-ui,sans-serif;cursor:pointer';
    b.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      openCompose(composer).catch(() => {});
    });
    return b;
  }

  function scan(): void {
    if (stopped) return;
    for (const block of scanBlocks(document, adapter, seen)) {
      seen.add(block.element);
      const token = newToken();
      const msg = block.message;
      const placed = placeReadFrame(deps, token, block.element);
      post({
        t: 'read',
        token,
        kind: block.armor.kind,
        text: block.text,
        sender: msg?.sender() ?? null,
        message: msg?.messageId?.slice(0, 512) || null,
        clipped: msg?.clipped ?? false,
        fullViewUrl: msg?.fullViewUrl ?? null,
        ...(placed.spare ? { spare: placed.spare } : {}),
      });
      frames.set(token, { frame: placed.frame, hidden: block.element });
      // The frame replaces the ciphertext in place; the page keeps its DOM.
      block.element.style.display = 'none';
    }
    for (const m of clippedWithoutBlock(adapter.findMessages(document), seen)) {
      seen.add(m.element);
      const hint = document.createElement('a');
      hint.setAttribute(OWN_ATTRIBUTE, 'clip-hint');
      hint.textContent = deps.message('clipHint');
      if (m.fullViewUrl) hint.href = m.fullViewUrl;
      hint.style.cssText =
        'display:block;padding:8px;border:1px solid #c64600;background:#fff7e6;color:#8a3200;font:14px system-ui,sans-serif';
      m.element.parentElement?.insertBefore(hint, m.element);
    }
    for (const composer of scanComposers(document, adapter, seen)) {
      seen.add(composer.body);
      composer.body.parentElement?.insertBefore(composeButton(composer), composer.body);
    }
    // The next block (a message opened later in the same page) gets a frame already loaded; made
    // later, so it does not compete with the frames just placed for the CPU.
    if (!spare?.frame.isConnected && spareTimer === undefined) {
      spareTimer = setTimeout(() => {
        spareTimer = undefined;
        warm();
      }, SPARE_DELAY_MS);
    }
  }

  /**
   * A new spare, with the relay connected first: a spare exists only while this script's port
   * is open, so a background that stops is always seen (the port closes) and the spare dropped.
   */
  function warm(): void {
    if (stopped || document.visibilityState === 'hidden' || spare?.frame.isConnected) return;
    relay();
    warmReadFrame(deps);
  }

  // While the webmail is in view the background is kept running: an MV3 background stops after
  // 30 s without events, and the next read would then pay its start and a frame made on demand.
  // A ping is not user activity; the auto-lock runs as before. A tab shown again gets a spare.
  const keepAlive = setInterval(() => {
    if (!stopped && document.visibilityState === 'visible') post({ t: 'ping' });
  }, KEEPALIVE_MS);
  const onVisibility = () => {
    if (document.visibilityState === 'visible') warm();
  };
  document.addEventListener('visibilitychange', onVisibility);

  let spareTimer: ReturnType<typeof setTimeout> | undefined;

  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastScan = Number.NEGATIVE_INFINITY;
  const scanNow = () => {
    timer = undefined;
    lastScan = Date.now();
    scan();
  };
  const scanSoon = () => {
    if (timer !== undefined) return;
    const wait = lastScan + SCAN_INTERVAL_MS - Date.now();
    // On a quiet page the change is scanned at once (we are in the observer's microtask, after
    // the webmail's code that made it): a block found now is hidden before the page first lays
    // it out, and its frame is placed in the same frame. Else wait for the interval's end.
    if (wait <= 0) scanNow();
    else timer = setTimeout(scanNow, wait);
  };
  const observer = new MutationObserver((records) => {
    // Our own insertions do not trigger a scan.
    if (
      records.every(
        (r) =>
          (r.target as Element).closest?.(`[${OWN_ATTRIBUTE}]`) ||
          [...r.addedNodes].every((n) => (n as Element).hasAttribute?.(OWN_ATTRIBUTE)),
      )
    )
      return;
    scanSoon();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  lastScan = Date.now();
  scan();

  const stop = () => {
    stopped = true;
    clearInterval(keepAlive);
    document.removeEventListener('visibilitychange', onVisibility);
    clearTimeout(spareTimer);
    spare?.frame.remove();
    spare = null;
    observer.disconnect();
    clearTimeout(timer);
    port?.disconnect();
  };
  deps.onInvalidated(stop);
  return stop;
}
