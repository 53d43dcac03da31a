// The content script's work: watch the page (throttled MutationObserver), put a read frame over
// each armored block and an Encrypt button beside each compose editor, and insert ciphertext
// the background hands back. It holds no keys and no crypto library, and never sees plaintext:
// it passes the page's own ciphertext, recipients and subject to the background, and the frames
// (extension origin) talk to the background over their own ports. DOM is built with
// createElement/textContent only (Gmail's Trusted Types CSP refuses innerHTML strings).

import { selectAdapter } from '../providers/index.ts';
import type { Composer, ProviderAdapter } from '../providers/types.ts';
import { insertIntoEditor, setSubject } from './editor-insert.ts';
import { COMPOSE_HEIGHT, frame, newToken } from './frame.ts';
import { PORT_RELAY, type RelayMessage, type RelayOut } from './names.ts';
import type { OverlayPort } from './runtime-port.ts';
import { clippedWithoutBlock, OWN_ATTRIBUTE, scanBlocks, scanComposers, textWithBreaks } from './scan.ts';
import { dropSpare, hasSpare, placeReadFrame, warmReadFrame } from './spare-frame.ts';

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
// Long enough that a multi-page webmail, where each page lives a second or two, does not load a
// spare it will never use (it slowed the next page's read, bench overlay); a single-page webmail
// (Gmail, Outlook) keeps it for the next message opened.
const SPARE_DELAY_MS = 3000;
export const KEEPALIVE_MS = 25_000;

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
    if (!hasSpare() && spareTimer === undefined) {
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
    if (stopped || document.visibilityState === 'hidden' || hasSpare()) return;
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
    dropSpare();
    observer.disconnect();
    clearTimeout(timer);
    port?.disconnect();
  };
  deps.onInvalidated(stop);
  return stop;
}
