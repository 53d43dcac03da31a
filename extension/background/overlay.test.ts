// The overlay port router's gate: who may open which port, and which frame gets a deposit.
// Real crypto behind it (the keys are real; only the ports are in memory).

import { beforeAll, describe, expect, it } from 'vitest';
import { encryptMessage } from '../../shared/pgp/encrypt.ts';
import { publicKeyOf } from '../../shared/pgp/keys.ts';
import { PORT_COMPOSE, PORT_READ, PORT_RELAY } from '../overlay/names.ts';
import type { OverlayPort, PortSender } from '../overlay/runtime-port.ts';
import { generateIdentitySecrets, type IdentitySecrets } from './identity.ts';
import { createOverlayRouter } from './overlay.ts';
import { type OverlayKeySource, UnlockedKeyCache } from './overlay-crypto.ts';

const SELF = { id: 'ext-id', origin: 'chrome-extension://ext-id' };
const CANARY = 'router-canary-41';

class MemoryPort implements OverlayPort {
  received: unknown[] = [];
  disconnected = false;
  private listeners: ((m: unknown) => void)[] = [];
  private closers: (() => void)[] = [];
  constructor(
    readonly name: string,
    readonly sender: PortSender,
  ) {}
  postMessage(m: unknown) {
    this.received.push(JSON.parse(JSON.stringify(m)));
  }
  disconnect() {
    this.disconnected = true;
  }
  onMessage = { addListener: (fn: (m: unknown) => void) => this.listeners.push(fn) };
  onDisconnect = { addListener: (fn: () => void) => this.closers.push(fn) };
  send(m: unknown) {
    for (const l of this.listeners) l(m);
  }
  close() {
    for (const c of this.closers) c();
  }
}

/** Waits until the port got an answer (decryption runs asynchronously in the router). */
async function answered(port: MemoryPort): Promise<void> {
  for (let i = 0; i < 500 && port.received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
}
const contentScript = (tab: number): PortSender => ({
  id: SELF.id,
  url: 'https://mail.google.com/mail/u/0/',
  tab: { id: tab },
});
const frame = (page: string, tab: number): PortSender => ({
  id: SELF.id,
  url: `${SELF.origin}/${page}#x`,
  tab: { id: tab },
});

let bob: IdentitySecrets;

/** A key source with no contacts and no directory; `secrets` null is a locked extension. */
const keysOf = (secrets: () => IdentitySecrets | null): OverlayKeySource => ({
  secrets: async () => secrets(),
  contacts: async () => [],
  lookup: async () => null,
  bundle: async () => null,
  envelopeFingerprint: async () => null,
  envelopeReading: async () => null,
  envelopePin: async () => null,
});
let armored: string;
let route: (p: OverlayPort) => void;
const TOKEN = 'tok_abcdefghijklmnop';

beforeAll(async () => {
  bob = await generateIdentitySecrets('bob@example.org', () => {});
  armored = await encryptMessage(CANARY, { recipients: [await publicKeyOf(bob.pgp.privateKey)] });
  route = createOverlayRouter(
    {
      keys: keysOf(() => bob),
      cache: new UnlockedKeyCache(),
      importKey: async () => ({ fingerprint: '' }),
      ownAddress: async () => bob.address,
      touch: () => {},
    },
    SELF,
  );
}, 60_000);

function deposit(tab: number, token = TOKEN, spare?: string, via = route): MemoryPort {
  const relay = new MemoryPort(PORT_RELAY, contentScript(tab));
  via(relay);
  relay.send({
    t: 'read',
    token,
    kind: 'pgp-message',
    text: armored,
    sender: null,
    clipped: false,
    fullViewUrl: null,
    ...(spare ? { spare } : {}),
  });
  return relay;
}

/** A spare read frame in `tab` that bound `id` on its port. */
function spareFrame(tab: number, id: string): MemoryPort {
  const reader = new MemoryPort(PORT_READ, frame('read.html', tab));
  route(reader);
  reader.send({ t: 'spare', spare: id });
  return reader;
}

/** Waits until the port got its view (or failure) after the token it was assigned. */
async function viewed(port: MemoryPort): Promise<void> {
  for (let i = 0; i < 500 && port.received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
}

describe('overlay router', () => {
  it('gives the plaintext to our read frame in the same tab, once, and never to the relay', async () => {
    const relay = deposit(7);
    const reader = new MemoryPort(PORT_READ, frame('read.html', 7));
    route(reader);
    reader.send({ t: 'open', token: TOKEN });
    await answered(reader);
    expect(JSON.stringify(reader.received)).toContain(CANARY);
    expect(JSON.stringify(relay.received)).not.toContain(CANARY);

    // A second frame with the same token (e.g. one the page made itself) gets nothing.
    const copy = new MemoryPort(PORT_READ, frame('read.html', 7));
    route(copy);
    copy.send({ t: 'open', token: TOKEN });
    await answered(copy);
    expect(JSON.stringify(copy.received)).not.toContain(CANARY);
    expect(copy.received[0]).toMatchObject({ t: 'failure', code: 'forbidden' });
    relay.close();
  });

  it('refuses a frame from another tab, and ports from the wrong kind of sender', async () => {
    const relay = deposit(8, 'tok_othertab_000000');
    const elsewhere = new MemoryPort(PORT_READ, frame('read.html', 9));
    route(elsewhere);
    elsewhere.send({ t: 'open', token: 'tok_othertab_000000' });
    await answered(elsewhere);
    expect(JSON.stringify(elsewhere.received)).not.toContain(CANARY);

    // A content script cannot open the read port; a web page cannot open the relay; the read
    // port is for read.html only.
    for (const [name, sender] of [
      [PORT_READ, contentScript(8)],
      [PORT_COMPOSE, frame('read.html', 8)],
      [PORT_RELAY, { id: 'other-extension', url: 'https://evil.example/', tab: { id: 8 } }],
      [PORT_RELAY, { id: SELF.id, url: 'https://evil.example/' }],
    ] as const) {
      const p = new MemoryPort(name, sender);
      route(p);
      expect(p.disconnected).toBe(true);
    }
    relay.close();
  });

  it('forgets deposits when the tab goes away', async () => {
    const relay = deposit(10, 'tok_gone_0000000000');
    relay.close();
    const reader = new MemoryPort(PORT_READ, frame('read.html', 10));
    route(reader);
    reader.send({ t: 'open', token: 'tok_gone_0000000000' });
    await answered(reader);
    expect(reader.received[0]).toMatchObject({ t: 'failure', code: 'forbidden' });
  });

  it('unlocks the key when a content script connects, and a read then shares that unlock', async () => {
    let asked = 0;
    const cache = new UnlockedKeyCache();
    const warm = createOverlayRouter(
      {
        keys: keysOf(() => {
          asked++;
          return bob;
        }),
        cache,
        importKey: async () => ({ fingerprint: '' }),
        ownAddress: async () => bob.address,
        touch: () => {},
      },
      SELF,
    );
    const relay = new MemoryPort(PORT_RELAY, contentScript(12));
    warm(relay);
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toBe(1);
    // The unlock started on connect is the one every later caller gets.
    const [a, b] = await Promise.all([cache.get(bob), cache.get(bob)]);
    expect(a).toBe(b);
    relay.send({
      t: 'read',
      token: 'tok_warm_0000000000',
      kind: 'pgp-message',
      text: armored,
      sender: null,
      clipped: false,
      fullViewUrl: null,
    });
    const reader = new MemoryPort(PORT_READ, frame('read.html', 12));
    warm(reader);
    reader.send({ t: 'open', token: 'tok_warm_0000000000' });
    await answered(reader);
    expect(JSON.stringify(reader.received)).toContain(CANARY);
    expect(JSON.stringify(relay.received)).not.toContain(CANARY);
    relay.close();
  });

  it('sends a spare frame its token and view unasked, whichever of binding and block comes first', async () => {
    // Bound first, then the block that names it.
    const early = spareFrame(20, 'spare_first_0000000');
    await new Promise((r) => setTimeout(r, 0));
    expect(early.received).toEqual([]);
    const relay = deposit(20, 'tok_spare_a_0000000', 'spare_first_0000000');
    await viewed(early);
    expect(early.received[0]).toEqual({ t: 'assigned', token: 'tok_spare_a_0000000' });
    expect(early.received[1]).toMatchObject({ t: 'view' });
    expect(JSON.stringify(early.received)).toContain(CANARY);
    expect(JSON.stringify(relay.received)).not.toContain(CANARY);
    // The token is now that frame's: it may resize, and no other frame may open it.
    early.send({ t: 'resize', token: 'tok_spare_a_0000000', height: 300 });
    expect(relay.received.at(-1)).toEqual({ t: 'resize', token: 'tok_spare_a_0000000', height: 300 });
    const copy = new MemoryPort(PORT_READ, frame('read.html', 20));
    route(copy);
    copy.send({ t: 'open', token: 'tok_spare_a_0000000' });
    await answered(copy);
    expect(copy.received[0]).toMatchObject({ t: 'failure', code: 'forbidden' });
    // A spare takes one block: a later block naming the same id waits for a new binding.
    const again = deposit(20, 'tok_spare_b_0000000', 'spare_first_0000000');
    await new Promise((r) => setTimeout(r, 50));
    expect(early.received).toHaveLength(2);

    // The block first, then the frame binds (it was still loading).
    const relayLate = deposit(21, 'tok_spare_c_0000000', 'spare_late_00000000');
    const late = spareFrame(21, 'spare_late_00000000');
    await viewed(late);
    expect(late.received[0]).toEqual({ t: 'assigned', token: 'tok_spare_c_0000000' });
    expect(JSON.stringify(late.received)).toContain(CANARY);
    relay.close();
    again.close();
    relayLate.close();
  });

  it('gives a spare nothing from another tab, and binds each spare id once', async () => {
    const elsewhere = spareFrame(23, 'spare_other_tab_000');
    const relay = deposit(22, 'tok_spare_d_0000000', 'spare_other_tab_000');
    await new Promise((r) => setTimeout(r, 100));
    expect(elsewhere.received).toEqual([]);
    // The block is still there for a frame of its own tab.
    const reader = new MemoryPort(PORT_READ, frame('read.html', 22));
    route(reader);
    reader.send({ t: 'open', token: 'tok_spare_d_0000000' });
    await answered(reader);
    expect(JSON.stringify(reader.received)).toContain(CANARY);

    // A second frame binding an id already bound (a page copying our spare's URL) gets nothing;
    // one frame binds one id.
    const ours = spareFrame(24, 'spare_taken_0000000');
    const copy = spareFrame(24, 'spare_taken_0000000');
    ours.send({ t: 'spare', spare: 'spare_second_000000' });
    const relay2 = deposit(24, 'tok_spare_e_0000000', 'spare_taken_0000000');
    await viewed(ours);
    expect(JSON.stringify(ours.received)).toContain(CANARY);
    expect(copy.received).toEqual([]);
    relay.close();
    relay2.close();
  });

  it('forgets a spare whose frame went away', async () => {
    const gone = spareFrame(25, 'spare_gone_00000000');
    gone.close();
    const relay = deposit(25, 'tok_spare_f_0000000', 'spare_gone_00000000');
    await new Promise((r) => setTimeout(r, 50));
    expect(gone.received).toEqual([]);
    // A new frame binding the id then gets the waiting block.
    const next = spareFrame(25, 'spare_gone_00000000');
    await viewed(next);
    expect(JSON.stringify(next.received)).toContain(CANARY);
    relay.close();
  });

  it('takes a keep-alive ping without counting it as user activity', async () => {
    let touches = 0;
    const router = createOverlayRouter(
      {
        keys: keysOf(() => bob),
        cache: new UnlockedKeyCache(),
        importKey: async () => ({ fingerprint: '' }),
        ownAddress: async () => bob.address,
        touch: () => {
          touches++;
        },
      },
      SELF,
    );
    const relay = new MemoryPort(PORT_RELAY, contentScript(30));
    router(relay);
    relay.send({ t: 'ping' });
    relay.send({ t: 'ping', extra: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(touches).toBe(0);
    expect(relay.disconnected).toBe(false);
    expect(relay.received).toEqual([]);
    relay.close();
  });

  it('ignores malformed relay messages and unknown fields', async () => {
    const relay = new MemoryPort(PORT_RELAY, contentScript(11));
    route(relay);
    relay.send({
      t: 'read',
      token: 'tok_bad_00000000000',
      kind: 'pgp-message',
      text: armored,
      sender: null,
      clipped: false,
      fullViewUrl: null,
      extra: 1,
    });
    const reader = new MemoryPort(PORT_READ, frame('read.html', 11));
    route(reader);
    reader.send({ t: 'open', token: 'tok_bad_00000000000' });
    await answered(reader);
    expect(reader.received[0]).toMatchObject({ t: 'failure', code: 'forbidden' });
  });
});

describe('lock notices to open frames', () => {
  it('a locked read fails as locked; on unlock every open frame is told, and the read then opens', async () => {
    let unlocked = false;
    let tell: ((state: 'locked' | 'unlocked') => void) | null = null;
    const router = createOverlayRouter(
      {
        keys: keysOf(() => (unlocked ? bob : null)),
        cache: new UnlockedKeyCache(),
        importKey: async () => ({ fingerprint: '' }),
        ownAddress: async () => (unlocked ? bob.address : null),
        touch: () => {},
        lockNotices: (listener) => {
          tell = listener;
        },
      },
      SELF,
    );
    const token = 'tok_lockednotice0001';
    const relay = deposit(31, token, undefined, router);
    relay.send({
      t: 'compose',
      token: 'tok_lockednotice0002',
      to: [],
      cc: [],
      bcc: [],
      unresolved: [],
      subject: '',
      typedChars: 0,
      provider: 'generic',
    });
    const reader = new MemoryPort(PORT_READ, frame('read.html', 31));
    router(reader);
    reader.send({ t: 'open', token });
    await answered(reader);
    expect(reader.received[0]).toMatchObject({ t: 'failure', code: 'locked' });
    expect(JSON.stringify(reader.received)).not.toContain(CANARY);
    const composer = new MemoryPort(PORT_COMPOSE, frame('compose.html', 31));
    router(composer);
    const gone = new MemoryPort(PORT_COMPOSE, frame('compose.html', 31));
    router(gone);
    gone.close();

    unlocked = true;
    (tell as unknown as (s: 'unlocked') => void)('unlocked');
    expect(reader.received.at(-1)).toEqual({ t: 'lock', state: 'unlocked' });
    expect(composer.received).toEqual([{ t: 'lock', state: 'unlocked' }]);
    expect(gone.received).toEqual([]);
    // The relay (content script, beside the page) is never told anything of the kind.
    expect(relay.received.some((m) => (m as { t: string }).t === 'lock')).toBe(false);
    const before = reader.received.length;
    reader.send({ t: 'open', token });
    for (let i = 0; i < 500 && reader.received.length === before; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(JSON.stringify(reader.received.at(-1))).toContain(CANARY);
  });
});
