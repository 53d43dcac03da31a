// The background side of the overlay ports (protocol in overlay/protocol.ts). Each port's
// sender is checked: the relay must be a content script in a tab; read and compose must be our
// own frame pages on the extension origin, in the same tab as the relay that made their token.
// The relay only ever receives ciphertext; plaintext goes to the read frame alone.

import { fromBase64 } from '../../shared/encoding.ts';
import { isNoiseError } from '../../shared/errors.ts';
import {
  ComposeIn,
  type ComposeOut,
  type LockStateOut,
  PORT_COMPOSE,
  PORT_READ,
  PORT_RELAY,
  ReadIn,
  type ReadOut,
  type ReadView,
  RelayIn,
  type RelayOut,
  SUBJECT_PLACEHOLDER,
} from '../overlay/protocol.ts';
import type { OverlayPort, PortSender } from '../overlay/runtime-port.ts';
import {
  encryptCompose,
  keyBlockOf,
  keyStatuses,
  type OverlayKeySource,
  readBlock,
  type UnlockedKeyCache,
} from './overlay-crypto.ts';

export interface OverlayHooks {
  keys: OverlayKeySource;
  cache: UnlockedKeyCache;
  /** Imports a public key block the reader chose to trust (contacts.import). */
  importKey(armored: string): Promise<{ fingerprint: string }>;
  /** The unlocked user's own address, or null. */
  ownAddress(): Promise<string | null>;
  /** Counts as user activity (pushes auto-lock back). */
  touch(): void;
  /**
   * Subscribes to lock and unlock (background/lock-broadcast.ts): every open read and compose
   * frame is told over its port, so it reads again or shows its editor without a reload.
   * Firefox does not deliver runtime broadcasts to extension frames inside web pages; ports do.
   */
  lockNotices?(listener: (state: LockStateOut['state']) => void): void;
}

const MAX_DEPOSITS_PER_TAB = 200;

type ReadDeposit = Extract<RelayIn, { t: 'read' }>;
type ComposeDeposit = Extract<RelayIn, { t: 'compose' }>;

interface Deposit {
  tabId: number;
  relay: OverlayPort;
  read?: ReadDeposit;
  /** Decryption starts when the block is deposited, while the frame is still loading. */
  view?: Promise<ReadView>;
  compose?: ComposeDeposit;
  /** A frame claimed this token; a second frame with the same token is refused. */
  claimed: boolean;
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '').pathname;
  } catch {
    return '';
  }
}

export function isContentScript(
  sender: PortSender | undefined,
  self: { id: string; origin: string },
): boolean {
  return (
    !!sender &&
    sender.id === self.id &&
    typeof sender.tab?.id === 'number' &&
    originOf(sender.url) !== self.origin
  );
}

export function isOwnFrame(
  sender: PortSender | undefined,
  self: { id: string; origin: string },
  page: string,
): boolean {
  return (
    !!sender && sender.id === self.id && originOf(sender.url) === self.origin && pathOf(sender.url) === page
  );
}

function failureOf(e: unknown): { code: string; message: string } {
  // NoiseError and ExtensionError messages are written never to carry secrets.
  if (isNoiseError(e) || (e instanceof Error && typeof (e as { code?: unknown }).code === 'string')) {
    return { code: (e as unknown as { code: string }).code, message: e.message };
  }
  // A bug is logged where developers look (the background's console), and never shown as if the
  // message were at fault.
  console.error('noise: internal error while serving an overlay', e);
  return { code: 'internal', message: 'Something went wrong; nothing was shown.' };
}

/** A read frame loaded ahead of need, bound to its spare id and waiting for a block. */
interface Spare {
  tabId: number;
  /** Hands the frame a deposit: claims it for the frame, sends the token, then the view. */
  take(token: string, d: Deposit): void;
}

export function createOverlayRouter(hooks: OverlayHooks, self: { id: string; origin: string }) {
  const deposits = new Map<string, Deposit>();
  // The open frames' ports, told of every lock and unlock.
  const framesToTell = new Set<(m: LockStateOut) => void>();
  hooks.lockNotices?.((state) => {
    for (const tell of framesToTell) tell({ t: 'lock', state });
  });
  function listen(port: OverlayPort, tell: (m: LockStateOut) => void): void {
    framesToTell.add(tell);
    port.onDisconnect.addListener(() => framesToTell.delete(tell));
  }
  // Spares: the content script keeps a read frame loaded ahead of need (overlay/content.ts), and
  // the frame binds its spare id here as soon as it loads. The block later given to it names that
  // id, so its view goes to the frame the moment decryption ends, without the frame first
  // learning its token and asking (two process hops on the warm path, bench overlay). Either may
  // come first: a bound spare waits for its block, a block waits for its spare. Binding is
  // first come, in the same tab only, like claiming a token.
  const spares = new Map<string, Spare>();
  const waitingForSpare = new Map<string, string>();

  function giveToSpare(spareId: string, token: string): void {
    const spare = spares.get(spareId);
    const d = deposits.get(token);
    if (!spare || !d) {
      if (d) waitingForSpare.set(spareId, token);
      return;
    }
    if (d.tabId !== spare.tabId || d.claimed) return;
    spares.delete(spareId);
    waitingForSpare.delete(spareId);
    spare.take(token, d);
  }

  function relay(port: OverlayPort, tabId: number): void {
    const mine = new Set<string>();
    // A webmail tab connected (the content script does so as the page starts loading): unlock the
    // OpenPGP key now, if the extension is unlocked, so the tab's first block does not wait for
    // the S2K (about 100 ms). A read that arrives meanwhile waits for this same unlock.
    hooks.keys
      .secrets()
      .then((s) => s && hooks.cache.get(s))
      .catch(() => {});
    port.onDisconnect.addListener(() => {
      for (const token of mine) deposits.delete(token);
      for (const [spareId, token] of waitingForSpare) if (mine.has(token)) waitingForSpare.delete(spareId);
    });
    port.onMessage.addListener((raw) => {
      const parsed = RelayIn.safeParse(raw);
      if (!parsed.success) return;
      const msg = parsed.data;
      if (msg.t === 'read' || msg.t === 'compose') {
        // A page cannot make the background decrypt without bound: one tab holds so many blocks.
        if (deposits.has(msg.token) || mine.size >= MAX_DEPOSITS_PER_TAB) return;
        mine.add(msg.token);
        const d: Deposit = { tabId, relay: port, claimed: false, [msg.t]: msg };
        if (msg.t === 'read') {
          d.view = readDeposit(msg);
          d.view.catch(() => {}); // reported to the frame when it asks
        }
        deposits.set(msg.token, d);
        if (msg.t === 'read' && msg.spare) giveToSpare(msg.spare, msg.token);
      } else if (msg.t === 'forget') {
        if (mine.delete(msg.token)) deposits.delete(msg.token);
      } else if (msg.t === 'inserted') {
        const d = deposits.get(msg.token);
        if (d && mine.has(msg.token)) insertAcks.get(msg.token)?.(msg.ok, msg.modelRegistered);
      }
      // 'ping' needs nothing: its arrival keeps the background running (content.ts KEEPALIVE_MS).
      // It is not user activity, so it does not push the auto-lock back.
    });
  }

  function readDeposit(req: ReadDeposit): Promise<ReadView> {
    return readBlock(
      {
        kind: req.kind,
        text: req.text,
        displayedSender: req.sender,
        delivery: req.message ?? null,
        clipped: req.clipped,
        fullViewUrl: req.fullViewUrl,
      },
      hooks.keys,
      hooks.cache,
    );
  }

  const insertAcks = new Map<string, (ok: boolean, registered: boolean) => void>();

  /** The deposit for a frame's token: same tab, claimed once. */
  function claim(token: string, sender: PortSender | undefined, claimed: Set<string>): Deposit | null {
    const d = deposits.get(token);
    if (!d || d.tabId !== sender?.tab?.id) return null;
    if (claimed.has(token)) return d;
    if (d.claimed) return null;
    d.claimed = true;
    claimed.add(token);
    return d;
  }

  function toRelay(d: Deposit, msg: RelayOut): void {
    try {
      d.relay.postMessage(msg);
    } catch {
      // The tab went away.
    }
  }

  function read(port: OverlayPort): void {
    const claimed = new Set<string>();
    const send = (m: ReadOut) => {
      try {
        port.postMessage(m);
      } catch {
        // The frame went away.
      }
    };
    let boundSpare: string | null = null;
    port.onDisconnect.addListener(() => {
      if (boundSpare) spares.delete(boundSpare);
    });
    listen(port, send);

    async function show(req: ReadDeposit, d: Deposit): Promise<void> {
      try {
        // A prefetched result is used once; a retry (e.g. after unlocking) decrypts again.
        const pending = d.view ?? readDeposit(req);
        d.view = undefined;
        send({ t: 'view', view: await pending });
      } catch (e) {
        // No partial plaintext: the view is sent only when every check passed.
        send({ t: 'failure', ...failureOf(e), clipped: req.clipped, fullViewUrl: req.fullViewUrl });
      }
    }

    port.onMessage.addListener(async (raw) => {
      const parsed = ReadIn.safeParse(raw);
      if (!parsed.success) return;
      const msg = parsed.data;
      if (msg.t === 'spare') {
        const tabId = port.sender?.tab?.id;
        // One spare id per frame, bound once, by a frame in a tab.
        if (boundSpare || claimed.size > 0 || spares.has(msg.spare) || typeof tabId !== 'number') return;
        boundSpare = msg.spare;
        spares.set(msg.spare, {
          tabId,
          take(token, d) {
            boundSpare = null;
            d.claimed = true;
            claimed.add(token);
            send({ t: 'assigned', token });
            if (d.read) {
              hooks.touch();
              void show(d.read, d);
            }
          },
        });
        const waiting = waitingForSpare.get(msg.spare);
        if (waiting) giveToSpare(msg.spare, waiting);
        return;
      }
      const d = claim(msg.token, port.sender, claimed);
      if (!d?.read)
        return send({
          t: 'failure',
          code: 'forbidden',
          message: 'This frame has nothing to show.',
          clipped: false,
          fullViewUrl: null,
        });
      const req = d.read;
      if (msg.t === 'resize') return toRelay(d, { t: 'resize', token: msg.token, height: msg.height });
      hooks.touch();
      if (msg.t === 'importKey') {
        if (req.kind !== 'pgp-public-key') return;
        try {
          send({ t: 'imported', ...(await hooks.importKey(keyBlockOf(req.text))) });
        } catch (e) {
          send({ t: 'failure', ...failureOf(e), clipped: false, fullViewUrl: null });
        }
        return;
      }
      await show(req, d);
    });
  }

  function compose(port: OverlayPort): void {
    const claimed = new Set<string>();
    const send = (m: ComposeOut) => port.postMessage(m);
    listen(port, (m) => {
      try {
        send(m);
      } catch {
        // The frame went away.
      }
    });
    port.onMessage.addListener(async (raw) => {
      const parsed = ComposeIn.safeParse(raw);
      if (!parsed.success) return send({ t: 'failure', code: 'bad_request', message: 'Malformed request.' });
      const msg = parsed.data;
      const d = claim(msg.token, port.sender, claimed);
      if (!d?.compose)
        return send({ t: 'failure', code: 'forbidden', message: 'This frame has no compose window.' });
      const ctx = d.compose;
      if (msg.t === 'resize') return toRelay(d, { t: 'resize', token: msg.token, height: msg.height });
      if (msg.t === 'close') return toRelay(d, { t: 'close', token: msg.token });
      hooks.touch();
      try {
        if (msg.t === 'hello') {
          const from = await hooks.ownAddress();
          send({
            t: 'context',
            context: {
              to: ctx.to,
              cc: ctx.cc,
              bcc: ctx.bcc,
              unresolved: ctx.unresolved,
              subject: ctx.subject,
              typedChars: ctx.typedChars,
              from,
              unlocked: from !== null,
            },
          });
        } else if (msg.t === 'keys') {
          send({ t: 'keys', statuses: await keyStatuses(msg.addresses, hooks.keys) });
        } else if (msg.t === 'encrypt') {
          const out = await encryptCompose(
            {
              to: msg.to,
              cc: msg.cc,
              bcc: msg.bcc,
              subject: msg.subject,
              text: msg.text,
              sign: msg.sign,
              attachments: msg.attachments.map((a) => ({
                filename: a.name,
                contentType: a.type || 'application/octet-stream',
                data: fromBase64(a.data),
              })),
            },
            hooks.keys,
            hooks.cache,
            (done, total) => send({ t: 'progress', step: 'encrypting', done, total }),
          );
          send({ t: 'progress', step: 'inserting', done: 0, total: 1 });
          const ack = new Promise<{ ok: boolean; registered: boolean }>((resolve) => {
            insertAcks.set(msg.token, (ok, registered) => resolve({ ok, registered }));
            // Big ciphertext takes time to cross the port and to lay out in the editor.
            setTimeout(() => resolve({ ok: false, registered: false }), 10_000 + out.armored.length / 200);
          });
          toRelay(d, { t: 'insert', token: msg.token, armored: out.armored, subject: SUBJECT_PLACEHOLDER });
          const { ok, registered } = await ack;
          insertAcks.delete(msg.token);
          if (!ok)
            return send({
              t: 'failure',
              code: 'insert_failed',
              message: 'The webmail editor did not take the encrypted text.',
            });
          send({
            t: 'done',
            format: out.format,
            lines: out.armored.split('\n').length,
            modelRegistered: registered,
          });
        }
      } catch (e) {
        send({ t: 'failure', ...failureOf(e) });
      }
    });
  }

  return (port: OverlayPort): void => {
    if (port.name === PORT_RELAY) {
      if (!isContentScript(port.sender, self)) {
        port.disconnect();
        return;
      }
      relay(port, port.sender?.tab?.id as number);
    } else if (port.name === PORT_READ) {
      if (!isOwnFrame(port.sender, self, '/read.html')) {
        port.disconnect();
        return;
      }
      read(port);
    } else if (port.name === PORT_COMPOSE) {
      if (!isOwnFrame(port.sender, self, '/compose.html')) {
        port.disconnect();
        return;
      }
      compose(port);
    }
  };
}
