// The overlay port router's gate: who may open which port, and which frame gets a deposit.
// Real crypto behind it (the keys are real; only the ports are in memory).

import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../shared/pgp/keys.ts';
import { encryptMessage } from '../../shared/pgp/message.ts';
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
let armored: string;
let route: (p: OverlayPort) => void;
const TOKEN = 'tok_abcdefghijklmnop';

beforeAll(async () => {
  bob = await generateIdentitySecrets('bob@example.org', () => {});
  armored = await encryptMessage(CANARY, { recipients: [await publicKeyOf(bob.pgp.privateKey)] });
  const keys: OverlayKeySource = {
    secrets: async () => bob,
    contacts: async () => [],
    lookup: async () => null,
    bundle: async () => null,
    envelopeFingerprint: async () => null,
  };
  route = createOverlayRouter(
    {
      keys,
      cache: new UnlockedKeyCache(),
      importKey: async () => ({ fingerprint: '' }),
      ownAddress: async () => bob.address,
      touch: () => {},
    },
    SELF,
  );
}, 60_000);

function deposit(tab: number, token = TOKEN): MemoryPort {
  const relay = new MemoryPort(PORT_RELAY, contentScript(tab));
  route(relay);
  relay.send({
    t: 'read',
    token,
    kind: 'pgp-message',
    armored,
    sender: null,
    clipped: false,
    fullViewUrl: null,
  });
  return relay;
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
        keys: {
          secrets: async () => {
            asked++;
            return bob;
          },
          contacts: async () => [],
          lookup: async () => null,
          bundle: async () => null,
          envelopeFingerprint: async () => null,
        },
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
      armored,
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

  it('ignores malformed relay messages and unknown fields', async () => {
    const relay = new MemoryPort(PORT_RELAY, contentScript(11));
    route(relay);
    relay.send({
      t: 'read',
      token: 'tok_bad_00000000000',
      kind: 'pgp-message',
      armored,
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
