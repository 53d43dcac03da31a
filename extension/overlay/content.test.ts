// @vitest-environment happy-dom
// The content script against Gmail-shaped DOM: what it sends to the background (ciphertext and
// addresses only), the frames it places, the debounced observer, and insertion into an editor
// that the webmail's own input listener registers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { armorEnvelope } from '../../shared/envelope/armor.ts';
import { gmail } from '../providers/gmail.ts';
import { KEEPALIVE_MS, prepareOverlays, SCAN_INTERVAL_MS, startOverlays } from './content.ts';
import { type RelayMessage, type RelayOut, spareFromFragment, tokenFromFragment } from './names.ts';
import type { OverlayPort } from './runtime-port.ts';

/** The English texts, as browser.i18n gives them in an English browser. */
const en = JSON.parse(
  readFileSync(join(import.meta.dirname, '../public/_locales/en/messages.json'), 'utf8'),
) as Record<string, { message: string }>;

function fakeRuntime() {
  const posted: RelayMessage[] = [];
  const listeners: ((m: unknown) => void)[] = [];
  const closers: (() => void)[] = [];
  const port: OverlayPort = {
    name: 'noise-relay',
    postMessage: (m) => posted.push(m as RelayMessage),
    disconnect: () => {},
    onMessage: { addListener: (fn) => listeners.push(fn) },
    onDisconnect: { addListener: (fn) => closers.push(fn) },
  };
  return {
    posted,
    deliver: (m: RelayOut) => {
      for (const l of listeners) l(m);
    },
    /** The background stopped: every port it had closes. */
    backgroundStopped: () => {
      for (const c of closers.splice(0)) c();
    },
    deps: {
      connect: () => port,
      frameUrl: (path: string) => `chrome-extension://abcdef${path}`,
      message: (key: string) => en[key]?.message ?? key,
      onInvalidated: () => {},
    },
  };
}

const armored = armorEnvelope(crypto.getRandomValues(new Uint8Array(300)));

function el(tag: string, attrs: Record<string, string>, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** A Gmail message whose body shows the armor one line per <br>, as Gmail renders plain text. */
function gmailMessage(id: string, sender: string, text: string): HTMLElement {
  const body = el('div', { class: 'a3s aiL' });
  text.split('\n').forEach((line, i) => {
    if (i > 0) body.append(document.createElement('br'));
    body.append(line);
  });
  return el(
    'div',
    { class: 'adn', 'data-message-id': `#msg-f:${id}`, 'data-legacy-message-id': id },
    el('h3', { class: 'iw' }, el('span', { class: 'gD', email: sender }, 'Sender')),
    el('div', { class: 'ii gt' }, body),
  );
}

let stop: (() => void) | null = null;
afterEach(() => {
  stop?.();
  document.body.replaceChildren();
});

describe('content script: read', () => {
  it('overlays each armored block with an extension frame and sends only ciphertext and the sender', async () => {
    document.body.append(gmailMessage('1', 'alice@example.org', `Hi,\n${armored}`));
    const rt = fakeRuntime();
    stop = startOverlays(rt.deps, gmail);
    const read = rt.posted.filter((m) => m.t === 'read');
    expect(read).toHaveLength(1);
    const msg = read[0] as Extract<RelayMessage, { t: 'read' }>;
    expect(msg.kind).toBe('envelope');
    // The element's text as shown, the block and the text around it: the reader shows both.
    expect(msg.text.trim()).toBe(`Hi,\n${armored.trim()}`);
    expect(msg.sender).toBe('alice@example.org');
    const frame = document.querySelector('iframe[data-noise-overlay=read]') as HTMLIFrameElement;
    expect(frame.getAttribute('src')).toBe(`chrome-extension://abcdef/read.html#${msg.token}`);
    expect((document.querySelector('.a3s') as HTMLElement).style.display).toBe('none');

    // A message that arrives later is found by the debounced observer, once.
    document.body.append(gmailMessage('2', 'bob@example.org', armored));
    await new Promise((r) => setTimeout(r, 400));
    expect(rt.posted.filter((m) => m.t === 'read')).toHaveLength(2);
    expect(document.querySelectorAll('iframe[data-noise-overlay=read]')).toHaveLength(2);
  });
});

describe('content script: scan timing', () => {
  afterEach(() => vi.useRealTimers());

  it('scans soon after a change and keeps scanning on a page that never stops changing', async () => {
    vi.useFakeTimers();
    const armored = armorEnvelope(new Uint8Array(200).fill(7));
    const rt = fakeRuntime();
    stop = startOverlays(rt.deps, gmail);
    const reads = () => rt.posted.filter((m) => m.t === 'read').length;
    // A clock the page updates every 50 ms: a restarting debounce would starve here.
    const clock = document.createElement('span');
    document.body.append(clock);
    const ticker = setInterval(() => {
      clock.textContent = String(Date.now());
    }, 50);
    await vi.advanceTimersByTimeAsync(1000);
    document.body.append(gmailMessage('late', 'alice@example.org', armored));
    // Found within one scan interval, whatever the clock does.
    await vi.advanceTimersByTimeAsync(SCAN_INTERVAL_MS);
    expect(reads()).toBe(1);
    // A change on a quiet page is scanned at once: in the observer's callback, before any timer
    // and before the page lays the block out.
    clearInterval(ticker);
    await vi.advanceTimersByTimeAsync(1000);
    document.body.append(gmailMessage('quiet', 'bob@example.org', armored));
    await Promise.resolve();
    expect(reads()).toBe(2);
    expect(([...document.querySelectorAll('.a3s')].at(-1) as HTMLElement).style.display).toBe('none');
    // Another change right after it waits for the interval's end.
    document.body.append(gmailMessage('soon', 'carol@example.org', armored));
    await Promise.resolve();
    expect(reads()).toBe(2);
    await vi.advanceTimersByTimeAsync(SCAN_INTERVAL_MS);
    expect(reads()).toBe(3);
  });
});

describe('content script: a read frame loaded ahead of need', () => {
  // happy-dom has no Node.moveBefore (Chromium 133+, Firefox 144+ do): give it one that moves
  // the node, so the spare path runs here; e2e/overlays covers the real browsers.
  const proto = Element.prototype as unknown as { moveBefore?: (n: Node, c: Node | null) => void };
  afterEach(() => {
    delete proto.moveBefore;
    vi.useRealTimers();
  });

  it('is made at document_start hidden, with a spare id and no token, then placed; its block names the spare', () => {
    vi.useFakeTimers();
    proto.moveBefore = function (this: Element, n: Node, c: Node | null) {
      this.insertBefore(n, c);
    };
    const rt = fakeRuntime();
    let connects = 0;
    const deps = {
      ...rt.deps,
      connect: () => {
        connects++;
        return rt.deps.connect();
      },
    };
    prepareOverlays(deps);
    const spare = document.querySelector('iframe[data-noise-overlay=read-spare]') as HTMLIFrameElement;
    expect(spare.parentElement).toBe(document.documentElement);
    const src = spare.getAttribute('src') ?? '';
    const spareId = spareFromFragment(new URL(src).hash);
    expect(src).toBe(`chrome-extension://abcdef/read.html#spare.${spareId}`);
    expect(spareId).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(tokenFromFragment(new URL(src).hash)).toBeNull();
    expect(spare.getAttribute('aria-hidden')).toBe('true');
    expect(spare.tabIndex).toBe(-1);
    expect(spare.style.opacity).toBe('0');
    expect(connects).toBe(1);

    document.body.append(gmailMessage('7', 'alice@example.org', armored));
    stop = startOverlays(deps, gmail);
    const msg = rt.posted.find((m) => m.t === 'read') as Extract<RelayMessage, { t: 'read' }>;
    expect(connects).toBe(1); // the port opened at document_start carried the deposit
    // The deposit names the spare; the spare keeps its document (moved, not reloaded) and never
    // gets the token in its URL: the background sends it over the frame's own port.
    expect(msg.spare).toBe(spareId);
    expect(msg.token).not.toBe(spareId);
    const placed = document.querySelector('iframe[data-noise-overlay=read]') as HTMLIFrameElement;
    expect(placed).toBe(spare);
    expect(placed.getAttribute('src')).toBe(src);
    expect(placed.nextElementSibling?.getAttribute('class')).toBe('a3s aiL');
    expect(placed.hasAttribute('aria-hidden')).toBe(false);
    expect(placed.style.opacity).toBe('');

    // The next spare comes later, for a message opened later in the page, with a new id.
    expect(document.querySelector('iframe[data-noise-overlay=read-spare]')).toBeNull();
    vi.advanceTimersByTime(2900);
    expect(document.querySelector('iframe[data-noise-overlay=read-spare]')).toBeNull();
    vi.advanceTimersByTime(200);
    const next = document.querySelector('iframe[data-noise-overlay=read-spare]') as HTMLIFrameElement;
    expect(spareFromFragment(new URL(next.getAttribute('src') ?? '').hash)).not.toBe(spareId);
    stop();
    stop = null;
    expect(document.querySelector('iframe[data-noise-overlay=read-spare]')).toBeNull();
  });

  it('is dropped when the background stops, and made again only for a tab in view', () => {
    vi.useFakeTimers();
    proto.moveBefore = function (this: Element, n: Node, c: Node | null) {
      this.insertBefore(n, c);
    };
    const spares = () => document.querySelectorAll('iframe[data-noise-overlay=read-spare]').length;
    const rt = fakeRuntime();
    prepareOverlays(rt.deps);
    stop = startOverlays(rt.deps, gmail);
    expect(spares()).toBe(1);
    // Its binding went with the background: a block given to it would never be shown.
    rt.backgroundStopped();
    expect(spares()).toBe(0);
    // A hidden tab gets no new one (its port would wake the background for nobody)...
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.body.append(gmailMessage('h', 'alice@example.org', armored));
    vi.advanceTimersByTime(SCAN_INTERVAL_MS + 3100);
    expect(spares()).toBe(0);
    // ...and pings nobody.
    vi.advanceTimersByTime(KEEPALIVE_MS);
    expect(rt.posted.filter((m) => m.t === 'ping')).toHaveLength(0);
    // Shown again: a spare is made (after the relay port, so its loss is seen).
    visibility.mockReturnValue('visible');
    const before = rt.posted.length;
    document.dispatchEvent(new Event('visibilitychange'));
    expect(spares()).toBe(1);
    // In view, the background is pinged every KEEPALIVE_MS.
    vi.advanceTimersByTime(KEEPALIVE_MS * 2);
    expect(rt.posted.slice(before).filter((m) => m.t === 'ping')).toHaveLength(2);
    visibility.mockRestore();
  });

  it('without moveBefore each block gets a new frame with its token in the URL', () => {
    delete proto.moveBefore;
    const plain = fakeRuntime();
    prepareOverlays(plain.deps);
    expect(document.querySelector('iframe[data-noise-overlay=read-spare]')).toBeNull();
    document.body.append(gmailMessage('9', 'alice@example.org', armored));
    stop = startOverlays(plain.deps, gmail);
    const read = plain.posted.find((m) => m.t === 'read') as Extract<RelayMessage, { t: 'read' }>;
    expect(read.spare).toBeUndefined();
    expect(document.querySelector('iframe[data-noise-overlay=read]')?.getAttribute('src')).toBe(
      `chrome-extension://abcdef/read.html#${read.token}`,
    );
  });
});

describe('content script: clipped messages', () => {
  it('shows a hint with the full-message link when the webmail cut the armored block short', () => {
    const cut = armored.split('\n').slice(0, 5).join('\n'); // BEGIN line, no END line
    const message = gmailMessage('3', 'alice@example.org', cut);
    const clip = el(
      'div',
      { class: 'iX' },
      el('a', { href: 'https://mail.google.com/mail/u/0?view=lg&msg=3' }, 'View entire message'),
    );
    message.querySelector('.ii.gt')?.append(clip);
    document.body.append(message);
    const rt = fakeRuntime();
    stop = startOverlays(rt.deps, gmail);
    expect(rt.posted.filter((m) => m.t === 'read')).toHaveLength(0);
    const hint = document.querySelector('a[data-noise-overlay=clip-hint]') as HTMLAnchorElement;
    expect(hint.textContent).toContain('open the full message');
    expect(hint.getAttribute('href')).toContain('view=lg');
  });
});

describe('content script: compose', () => {
  function gmailCompose(typed: string): HTMLElement {
    const editor = el('div', {
      contenteditable: 'true',
      role: 'textbox',
      g_editable: 'true',
      'aria-label': 'Message Body',
    });
    editor.textContent = typed;
    return el(
      'div',
      { role: 'dialog' },
      el(
        'div',
        { class: 'anm', name: 'to' },
        el(
          'div',
          { role: 'listbox' },
          el('div', { role: 'option', 'data-hovercard-id': 'bob@example.org' }, 'Bob'),
        ),
      ),
      el('input', { name: 'subjectbox', value: 'Plans' }),
      el('div', { class: 'M9' }, editor),
    );
  }

  it('puts a button beside the editor; the compose deposit carries addresses, subject and a draft-leak count', async () => {
    document.body.append(gmailCompose('already typed'));
    const rt = fakeRuntime();
    stop = startOverlays(rt.deps, gmail);
    const button = document.querySelector('button[data-noise-overlay=compose-button]') as HTMLButtonElement;
    expect(button).not.toBeNull();
    button.click();
    await new Promise((r) => setTimeout(r, 50));
    const compose = rt.posted.find((m) => m.t === 'compose') as Extract<RelayMessage, { t: 'compose' }>;
    expect(compose).toMatchObject({
      to: ['bob@example.org'],
      subject: 'Plans',
      typedChars: 'already typed'.length,
    });
    expect(document.querySelector('iframe[data-noise-overlay=compose]')?.getAttribute('src')).toContain(
      `/compose.html#${compose.token}`,
    );

    // The background hands back ciphertext: it replaces the editor's text through input events
    // the webmail listens to, and the subject becomes the placeholder.
    const editor = document.querySelector('[g_editable]') as HTMLElement;
    let model = '';
    editor.addEventListener('input', () => {
      model = editor.textContent ?? '';
    });
    rt.deliver({ t: 'insert', token: compose.token, armored, subject: '[...]' });
    const ack = rt.posted.find((m) => m.t === 'inserted');
    expect(ack).toMatchObject({ ok: true, modelRegistered: true });
    expect(model).toContain('-----BEGIN NOISE ENVELOPE-----');
    expect(model).not.toContain('already typed');
    expect((document.querySelector('input[name=subjectbox]') as HTMLInputElement).value).toBe('[...]');
  });
});

describe('content script: what it may not hold', () => {
  it('builds no DOM from strings and imports no crypto library', () => {
    for (const file of [
      'content.ts',
      'frame.ts',
      'spare-frame.ts',
      'editor-insert.ts',
      'scan.ts',
      'names.ts',
      'runtime-port.ts',
    ]) {
      const src = readFileSync(join(import.meta.dirname, file), 'utf8');
      expect(src).not.toMatch(
        /\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML\(|document\.write\(|DOMParser/,
      );
      expect(src).not.toMatch(/from 'openpgp'|@noble|shared\/pgp|shared\/envelope\/(seal|open)|from 'zod'/);
    }
  });
});
