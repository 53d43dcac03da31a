// The background side of the overlay ports (protocol in overlay/protocol.ts). Each port's
// sender is checked (overlay-senders.ts): the relay must be a content script in a tab; read and
// compose must be our own frame pages on the extension origin, in the same tab as the relay that
// made their token. This router keeps the deposits, their tokens and claims, and the read port;
// the compose port is overlay-compose-port.ts, spare frames overlay-spares.ts. The relay only
// ever receives ciphertext; plaintext goes to the read frame alone.

import {
  type LockStateOut,
  PORT_COMPOSE,
  PORT_READ,
  PORT_RELAY,
  ReadIn,
  type ReadOut,
  type ReadView,
  RelayIn,
  type RelayOut,
} from '../overlay/protocol.ts';
import type { OverlayPort, PortSender } from '../overlay/runtime-port.ts';
import { serveCompose } from './overlay-compose-port.ts';
import { keyBlockOf, type OverlayKeySource, readBlock, type UnlockedKeyCache } from './overlay-crypto.ts';
import { failureOf } from './overlay-failure.ts';
import { isContentScript, isOwnFrame } from './overlay-senders.ts';
import { createSpareBinding } from './overlay-spares.ts';

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

export interface Deposit {
  tabId: number;
  relay: OverlayPort;
  read?: ReadDeposit;
  /** Decryption starts when the block is deposited, while the frame is still loading. */
  view?: Promise<ReadView>;
  compose?: ComposeDeposit;
  /** A frame claimed this token; a second frame with the same token is refused. */
  claimed: boolean;
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
  const spares = createSpareBinding(deposits);

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
      spares.forgetTokens(mine);
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
        if (msg.t === 'read' && msg.spare) spares.give(msg.spare, msg.token);
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
      if (boundSpare) spares.unbind(boundSpare);
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
        if (boundSpare || claimed.size > 0 || spares.isBound(msg.spare) || typeof tabId !== 'number') return;
        boundSpare = msg.spare;
        spares.bind(msg.spare, {
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
      serveCompose(port, { hooks, claim, toRelay, listen, insertAcks });
    }
  };
}
