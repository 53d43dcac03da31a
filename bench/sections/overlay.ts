// Overlay benchmark, in real Chromium with the built extension:
// - the content script's scan (scanBlocks + scanComposers, the code the content script runs)
//   over a Gmail-shaped thread of 2,000 DOM nodes holding one armored block, bundled by esbuild
//   and run in a plain page: median and p95 of 50 scans (target ≤ 5 ms);
// - from a message shown (the thread page's DOMContentLoaded) to its plaintext visible in the
//   read frame, for a 10 KB OpenPGP message: cold (first read in a fresh browser: frame code
//   loaded and the key unlocked for the first time) and warm (median and p95 of the next 15 reads)
//   (targets ≤ 300 ms cold, ≤ 50 ms warm). "Visible" is the animation frame after the plaintext
//   entered the read frame's DOM, taken on the absolute clock (performance.timeOrigin) inside the
//   frame; the harness's own polling over CDP is reported beside it, with the milestones in
//   between (frame placed, frame navigation start, frame HTML received, frame DOM ready, the
//   token the background sends a spare frame or the request a new frame sends, the view
//   received, plaintext in the DOM). A milestone before the page's DOMContentLoaded is negative:
//   the content script loads a spare read frame from document_start;
// - the same in an open page, as single-page webmails (Gmail, Outlook, Yahoo) show every message
//   after the first: it is added to the page's DOM, with no page load; timed from that insertion
//   (target ≤ 50 ms warm). overlay-firefox.ts measures this in Firefox.
// Needs `npm run build:chrome` first.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Frame, Page } from 'playwright-core';
import { startWorker } from '../../e2e/harness/worker.ts';
import { type AccountProfile, createAccount, launchProfile } from '../../e2e/overlays/profiles.ts';
import { addGmailMessage } from '../../e2e/overlays/scene.ts';
import { startWebmail, type Webmail } from '../../e2e/webmail/server.ts';
import { encryptMessage } from '../../shared/pgp/encrypt.ts';

const SCAN_ENTRY = `
import { scanBlocks, scanComposers } from ${JSON.stringify(new URL('../../extension/overlay/scan.ts', import.meta.url).pathname)};
import { gmail } from ${JSON.stringify(new URL('../../extension/providers/gmail.ts', import.meta.url).pathname)};
window.__scan = () => {
  const t = performance.now();
  const seen = new WeakSet();
  const blocks = scanBlocks(document, gmail, seen);
  scanComposers(document, gmail, seen);
  return { ms: performance.now() - t, blocks: blocks.length };
};`;

/** One cold read, then warm ones: 15 warm reads keep the median steady on a busy 2-core machine. */
const READS = 16;
const IN_PAGE_READS = 8;
// Longer than the content script's SPARE_DELAY_MS (3 s), so a loaded spare frame waits.
export const SPARE_SETTLE_MS = 4000;

export function stats(xs: number[]): { median: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)] ?? 0,
    p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0,
  };
}

/** A Gmail thread of `messages` messages, each a few nodes; the last carries the armored block. */
function threadHtml(messages: number, armored: string): string {
  const parts: string[] = [];
  for (let i = 0; i < messages; i++) {
    const body =
      i === messages - 1
        ? armored.split('\n').join('<br>')
        : `Message ${i} text with <a href="https://example.org/${i}">a link</a> and <b>bold</b>.`;
    parts.push(
      `<div class="adn" data-message-id="#msg-f:${i}" data-legacy-message-id="${i}"><h3 class="iw"><span class="gD" email="s${i}@example.org">S${i}</span></h3><div class="ii gt"><div class="a3s aiL">${body}</div></div></div>`,
    );
  }
  return `<!doctype html><html><body><div role="main">${parts.join('')}</div></body></html>`;
}

async function scanBench(page: Page, armored: string): Promise<string> {
  const bundled = await build({
    stdin: { contents: SCAN_ENTRY, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    write: false,
    format: 'iife',
    minify: true,
  });
  const messages = 285; // 7 elements each ≈ 2,000 elements (text nodes on top)
  await page.setContent(threadHtml(messages, armored));
  await page.addScriptTag({ content: bundled.outputFiles[0]?.text ?? '' });
  const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  const times: number[] = [];
  let blocks = 0;
  for (let i = 0; i < 55; i++) {
    const r = await page.evaluate(() =>
      (window as unknown as { __scan(): { ms: number; blocks: number } }).__scan(),
    );
    if (i >= 5) times.push(r.ms);
    blocks = r.blocks;
  }
  const s = stats(times);
  return `scan over a ${nodes}-element Gmail thread (${blocks} armored block found): median ${s.median.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms (target ≤ 5 ms)`;
}

async function waitPlaintext(page: Page, marker: string): Promise<Frame> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    for (const f of page.frames() as Frame[]) {
      if (!f.url().includes('/read.html#')) continue;
      const text = await f
        .evaluate(() => document.querySelector('[data-testid=plaintext]')?.textContent ?? '')
        .catch(() => '');
      if (text.includes(marker)) return f;
    }
    if (performance.now() > deadline) {
      const seen = await Promise.all(
        page
          .frames()
          .map(
            async (f) =>
              `${f.url()}: ${await f.evaluate(() => document.body?.textContent?.slice(0, 200)).catch(() => '?')}`,
          ),
      );
      throw new Error(`plaintext never became visible; frames: ${seen.join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * In-page clocks: when the content script placed the read frame; in the read frame (an init
 * script reaches child frames too), on the absolute clock (timeOrigin + now), when the request
 * went out, the answer came back, the plaintext entered the DOM, and the next animation frame.
 */
const stamps = () => {
  const w = window as unknown as {
    __framedAt: number;
    __plaintextAt: number;
    __paintedAt: number;
    __askedAt?: number;
    __answeredAt?: number;
    __tokenAt?: number;
  };
  if (location.pathname === '/read.html') {
    // When the frame's request went out on its port and when the background's answer came
    // back: wraps runtime.connect before any frame script runs (measurement only).
    const rt = (globalThis as unknown as { chrome: { runtime: { connect(i: unknown): unknown } } }).chrome
      .runtime;
    const connect = rt.connect.bind(rt);
    rt.connect = (info: unknown) => {
      const p = connect(info) as {
        postMessage(m: unknown): void;
        onMessage: { addListener(fn: (m: unknown) => void): void };
      };
      const post = p.postMessage.bind(p);
      p.postMessage = (m: unknown) => {
        if ((m as { t: string }).t === 'open') w.__askedAt ??= performance.timeOrigin + performance.now();
        post(m);
      };
      p.onMessage.addListener((m: unknown) => {
        const at = performance.timeOrigin + performance.now();
        // A spare frame is sent its token, then the view, without asking.
        if ((m as { t: string }).t === 'assigned') w.__tokenAt ??= at;
        else w.__answeredAt ??= at;
      });
      return p;
    };
    new MutationObserver((_, obs) => {
      if (!document.querySelector('[data-testid=plaintext]')?.textContent) return;
      w.__plaintextAt = performance.timeOrigin + performance.now();
      requestAnimationFrame(() => {
        w.__paintedAt = performance.timeOrigin + performance.now();
      });
      obs.disconnect();
    }).observe(document, { childList: true, subtree: true, characterData: true });
    return;
  }
  new MutationObserver((_, obs) => {
    if (document.querySelector('iframe[data-noise-overlay=read]')) {
      w.__framedAt = performance.timeOrigin + performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};

/** "name 12, other 30": milestones a read did not pass (NaN: a spare asks nothing) are left out. */
function named(milestones: [string, string][]): string {
  return milestones
    .filter(([, ms]) => ms !== 'NaN')
    .map(([name, ms]) => `${name} ${ms}`)
    .join(', ');
}

/** A 10 KB OpenPGP message for bob whose plaintext starts with a unique marker. */
export async function benchMessage(key: string, i: number): Promise<{ marker: string; armored: string }> {
  const marker = `bench-${i}-${Math.random().toString(36).slice(2)}`;
  const text = `${marker}\n${'0123456789abcdef'.repeat(640)}`; // 10 KB
  return { marker, armored: await encryptMessage(text, { recipients: [key] }) };
}

/**
 * Warm reads in an open page, as in Gmail or Outlook (single-page apps: showing a message adds it
 * to the page, no page load): each message is added to the Gmail-skin thread in Gmail's markup,
 * seconds apart as a reader opens them, and timed from that insertion to the animation frame
 * after its plaintext entered the read frame's DOM.
 */
/** The read frame's clocks (see `stamps`), once its animation-frame stamp is in. */
async function frameStamps(frame: Frame) {
  return frame.evaluate(async () => {
    const w = window as unknown as {
      __plaintextAt?: number;
      __paintedAt?: number;
      __askedAt?: number;
      __answeredAt?: number;
      __tokenAt?: number;
    };
    // Reading the stamps later does not move them; wait for the frame callback to have run.
    for (let i = 0; i < 200 && w.__paintedAt === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return {
      origin: performance.timeOrigin,
      response: performance.timeOrigin + (nav?.responseEnd ?? Number.NaN),
      dcl: performance.timeOrigin + (nav?.domContentLoadedEventEnd ?? Number.NaN),
      token: w.__tokenAt ?? Number.NaN,
      asked: w.__askedAt ?? Number.NaN,
      answered: w.__answeredAt ?? Number.NaN,
      plaintext: w.__plaintextAt ?? Number.NaN,
      painted: w.__paintedAt ?? Number.NaN,
    };
  });
}

interface InPageRead {
  placed: number;
  token: number;
  painted: number;
  asked: number;
  answered: number;
  inDom: number;
}

async function inPageReads(page: Page, key: string, reads: number): Promise<InPageRead[]> {
  const out: InPageRead[] = [];
  for (let i = 0; i < reads; i++) {
    const { marker, armored } = await benchMessage(key, 1000 + i);
    // Time for the content script's spare frame to be made and loaded again.
    await page.waitForTimeout(SPARE_SETTLE_MS);
    const shownAt = await page.evaluate(addGmailMessage, {
      armored,
      sender: 'someone@example.org',
      id: `inpage${i}`,
      notePlacement: true,
    });
    const frame = await waitPlaintext(page, marker);
    const f = await frameStamps(frame);
    const placed = await page.evaluate(() => (window as unknown as { __placedAt: number }).__placedAt);

    out.push({
      placed: placed - shownAt,
      token: f.token - shownAt,
      painted: f.painted - shownAt,
      asked: f.asked - shownAt,
      answered: f.answered - shownAt,
      inDom: f.plaintext - shownAt,
    });
  }
  return out;
}

export interface BenchScene<P> {
  bob: P;
  /** Bob's OpenPGP public key, as the directory publishes it. */
  key: string;
  webmail: Webmail;
}

/**
 * The local Worker, the demo webmail and bob's browser profile with a real account; `body` runs
 * in it and everything is stopped afterwards.
 */
export async function inBenchScene<P extends AccountProfile & { close(): Promise<void> }>(
  launch: (address: string) => Promise<P>,
  body: (scene: BenchScene<P>) => Promise<string>,
): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'noise-bench-webmail-'));
  const [worker, webmail] = await Promise.all([
    startWorker(),
    startWebmail({ dataDir, domain: 'example.org' }),
  ]);
  const bob = await launch('bob@example.org');
  try {
    await createAccount(bob, worker);
    const key = (
      (await (await fetch(`${worker.url}/api/v1/lookup/by-email/bob@example.org`)).json()) as {
        openpgpKey: string;
      }
    ).openpgpKey;
    return await body({ bob, key, webmail });
  } finally {
    await bob.close();
    await webmail.stop();
    await worker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Delivers `armored` to bob's inbox as a plain-text mail; the Gmail-skin URL of its thread. */
export async function deliverToBob(webmail: Webmail, armored: string, i: number): Promise<string> {
  const raw = `From: someone@example.org\r\nTo: bob@example.org\r\nSubject: bench ${i}\r\nMessage-ID: <b${i}.${Date.now()}@example.org>\r\nContent-Type: text/plain\r\n\r\n${armored.replace(/\n/g, '\r\n')}`;
  const res = await fetch(`${webmail.url}/api/accounts/bob/mailboxes/inbox`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: raw,
  });
  const { threadId } = (await res.json()) as { threadId: string };
  return `${webmail.url}/u/bob/t/${threadId}?skin=gmail`;
}

export default function run(): Promise<string> {
  return inBenchScene(launchProfile, async ({ bob, key, webmail }) => {
    const lines: string[] = [];
    const scanPage = await bob.ctx.newPage();
    lines.push(await scanBench(scanPage, await encryptMessage('x', { recipients: [key] })));
    await scanPage.close();

    /** Message shown (page DOMContentLoaded) → the animation frame after the plaintext entered the read frame's DOM. */
    const samples: number[] = [];
    /** The same, read by the harness polling the frames over CDP (includes the polling round trips). */
    const polled: number[] = [];
    /** Milestones, each from the page's DOMContentLoaded: frame placed, frame navigation start, frame DOM ready, plaintext in the DOM. */
    const framed: number[] = [];
    const frameStart: number[] = [];
    const frameResponse: number[] = [];
    const frameReady: number[] = [];
    const inDom: number[] = [];
    const asked: number[] = [];
    const tokened: number[] = [];
    const answered: number[] = [];
    let lastThread = '';
    let lastMarker = '';
    for (let i = 0; i < READS; i++) {
      const { marker, armored } = await benchMessage(key, i);
      const thread = await deliverToBob(webmail, armored, i);
      const page = await bob.ctx.newPage();
      // In-page clocks: when the DOM was ready, when the content script placed the frame. The
      // same script runs in the read frame (an init script reaches child frames too) and notes,
      // on the absolute clock (timeOrigin + now), when the plaintext entered the frame's DOM and
      // the next animation frame after that (the paint that shows it).
      await page.addInitScript(stamps);
      lastThread = thread;
      lastMarker = marker;
      await page.goto(lastThread, { waitUntil: 'domcontentloaded' });
      const readFrame = await waitPlaintext(page, marker);
      const t = await page.evaluate(() => ({
        now: performance.timeOrigin + performance.now(),
        dcl:
          performance.timeOrigin +
          (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
            .domContentLoadedEventStart,
        framed: (window as unknown as { __framedAt: number }).__framedAt,
      }));
      const f = await frameStamps(readFrame);
      polled.push(t.now - t.dcl);
      samples.push(f.painted - t.dcl);
      framed.push(t.framed - t.dcl);
      frameStart.push(f.origin - t.dcl);
      frameResponse.push(f.response - t.dcl);
      frameReady.push(f.dcl - t.dcl);
      inDom.push(f.plaintext - t.dcl);
      asked.push(f.asked - t.dcl);
      tokened.push(f.token - t.dcl);
      answered.push(f.answered - t.dcl);
      await page.close();
    }
    // The last page stays open: further messages are shown in it, as a single-page webmail does.
    const open = await bob.ctx.newPage();
    await open.addInitScript(stamps);
    await open.goto(lastThread, { waitUntil: 'domcontentloaded' });
    await waitPlaintext(open, lastMarker);
    const inPageRuns = await inPageReads(open, key, IN_PAGE_READS);

    const inPage = stats(inPageRuns.map((r) => r.painted));
    const inPageMed = (k: keyof InPageRead) => stats(inPageRuns.map((r) => r[k])).median.toFixed(0);
    await open.close();
    const warm = stats(samples.slice(1));
    const med = (xs: number[]) => stats(xs.slice(1)).median.toFixed(0);
    const first = (xs: number[]) => (xs[0] ?? Number.NaN).toFixed(0);
    const milestones = (at: (xs: number[]) => string) =>
      named([
        ['frame placed', at(framed)],
        ['frame navigation start', at(frameStart)],
        ['frame HTML received', at(frameResponse)],
        ['frame DOM ready', at(frameReady)],
        ['token sent to the spare frame', at(tokened)],
        ['request sent', at(asked)],
        ['view received', at(answered)],
        ['plaintext in DOM', at(inDom)],
        ['painted', at(samples)],
      ]);
    lines.push(
      `10 KB OpenPGP message, shown → plaintext visible (the animation frame after it entered the read frame's DOM): cold ${samples[0]?.toFixed(0)} ms (target ≤ 300), warm median ${warm.median.toFixed(0)} ms, p95 ${warm.p95.toFixed(0)} ms over ${samples.length - 1} reads (target ≤ 50)`,
      `  as seen by the harness polling the frames: cold ${polled[0]?.toFixed(0)} ms, warm median ${med(polled)} ms (includes CDP round trips)`,
      `  cold milestones (ms after the page's DOMContentLoaded): ${milestones(first)}`,
      `  warm milestones (median ms after the page's DOMContentLoaded): ${milestones(med)}`,
      `10 KB OpenPGP message shown in an open page (single-page webmail, as Gmail and Outlook show a message: added to the page, no page load) → plaintext visible: warm median ${inPage.median.toFixed(0)} ms, p95 ${inPage.p95.toFixed(0)} ms over ${IN_PAGE_READS} reads (target ≤ 50)`,
      `  in-page milestones (median ms after the message was added): ${named([
        ['frame placed', inPageMed('placed')],
        ['token sent to the spare frame', inPageMed('token')],
        ['request sent', inPageMed('asked')],
        ['view received', inPageMed('answered')],
        ['plaintext in DOM', inPageMed('inDom')],
        ['painted', inPageMed('painted')],
      ])}`,
    );
    return lines.join('\n');
  });
}
