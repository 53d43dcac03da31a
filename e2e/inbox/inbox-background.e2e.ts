// The registered inbox in the extension's background, without a browser, against a real
// `wrangler dev` Worker (workerd, local D1, Durable Objects, R2): mail posted to the local email
// endpoint as Email Routing would deliver it, read by backgrounds wired as entrypoints/background.ts
// wires them (e2e/extension/background-device.ts, fake-indexeddb). It proves: the first open
// re-seals the server copy under the inbox key (format inbox-v1, checked through the API); a
// re-open opens with the inbox key only — the private key cannot even be unlocked then; a 412
// from a concurrent re-seal refetches; the inbox key syncs with the vault and survives a merge;
// a rotation re-encrypts everything and resumes after a crash; local search works over a source
// that holds no plaintext at rest; the poll counts unread mail and announces arrivals only, and
// while locked asks only the inbox's watch token (no session) and names nobody.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentInboxKey, inboxKeys } from '../../extension/background/inbox/keyring.ts';
import { rotateInboxKey } from '../../extension/background/inbox/keyring-custody.ts';
import { openStoredMessage } from '../../extension/background/inbox/open-message.ts';
import { continueRotation, newRotation } from '../../extension/background/inbox/rotation.ts';
import { SearchStore } from '../../extension/background/inbox/search-store.ts';
import { InboxRecords } from '../../extension/store/inbox-records.ts';
import type { ApiClient } from '../../shared/api/client.ts';
import { fromBase64Url, toHex } from '../../shared/encoding.ts';
import { sealedKeyId } from '../../shared/mailbox/index.ts';
import {
  type BackgroundDevice,
  backgroundDevice,
  registerWithVault,
} from '../extension/background-device.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';

const ALICE = 'alice-bg@noise.localhost';
const DAVE = 'dave@webmail.localhost';

let worker: WorkerServer;
let alice: BackgroundDevice;
let account: Awaited<ReturnType<typeof registerWithVault>>;
const notified: { title: string; message: string }[] = [];
const badges: string[] = [];

function eml(subject: string, text: string, extra: string[] = []): string {
  return [
    `From: Dave <${DAVE}>`,
    `To: ${ALICE}`,
    `Subject: ${subject}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@webmail.localhost>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    ...extra,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '',
  ].join('\r\n');
}

/** Hands a mail to the Worker's email() handler as Email Routing would (wrangler's local endpoint). */
async function deliver(raw: string, to = ALICE): Promise<void> {
  const url = new URL('/cdn-cgi/local/email', worker.url);
  url.searchParams.set('from', DAVE);
  url.searchParams.set('to', to);
  const res = await fetch(url, { method: 'POST', body: raw });
  expect(res.status, await res.text()).toBe(200);
}

const handlers = () => alice.bg.handlers;
const api = (d: BackgroundDevice = alice): ApiClient => d.bg.server.api(worker.url);

async function newest(address = ALICE) {
  const { messages } = await handlers()['inbox.list']({ address });
  return messages[0]!;
}

/** The key id (hex) in the header of the message's stored summary, via the API. */
async function storedKeyId(id: string, d: BackgroundDevice = alice): Promise<string | null> {
  const m = await api(d).inbox.get(ALICE, id);
  const raw = m.format === 'inbox-v1' ? sealedKeyId(fromBase64Url(m.summary)) : null;
  return raw ? toHex(raw) : null;
}

/** The device's secrets with a private key that can no longer be unlocked (a wrong passphrase). */
async function breakPrivateKey(d: BackgroundDevice): Promise<() => Promise<void>> {
  const held = (await d.bg.custody.current())!;
  d.restart();
  await d.bg.custody.current();
  await d.bg.custody.replace({
    ...held,
    identity: { ...held.identity, pgp: { ...held.identity.pgp, keyPassphrase: 'not the passphrase' } },
  });
  return async () => {
    d.restart();
    await d.bg.custody.current();
    await d.bg.custody.replace(held);
  };
}

beforeAll(async () => {
  worker = await startWorker();
  account = await registerWithVault(worker.url, ALICE);
  alice = await backgroundDevice(account.record, 'inbox-alice', Date.now, {
    t: (key, subs) => `${key}:${[subs ?? []].flat().join('|')}`,
    setBadge: (text) => badges.push(text),
    notify: (_id, title, message) => notified.push({ title, message }),
    schedulePoll: () => {},
  });
  await alice.unlock(account.session);
});

afterAll(async () => {
  await worker?.stop();
});

describe('the inbox in the background, real Worker', () => {
  it('lists an arrival with its verdicts; the first open re-seals it under the inbox key, a re-open needs only that key', async () => {
    const canary = `CANARY-inbox-${Date.now()}`;
    await deliver(eml(`Dinner ${canary}`, `Hi Alice, dinner at eight? ${canary}`));
    const row = await newest();
    expect(row).toMatchObject({ stored: 'pgp', read: false, subject: `Dinner ${canary}`, failure: null });
    expect(row.from?.address).toBe(DAVE);
    // Locally Cloudflare adds no Authentication-Results: "unknown" is a real state.
    expect(row.auth).toEqual({ spf: 'unknown', dkim: 'unknown', dmarc: 'unknown', aligned: false });

    const first = await handlers()['inbox.open']({ address: ALICE, id: row.id });
    expect(first.privateKeyUsed).toBe(true);
    expect(first.resealed).toBe(true);
    expect(first.row).toMatchObject({ stored: 'inbox-v1', read: true });
    expect(first.view.verdict.encrypted).toBe(false);
    expect(first.view.parts.map((p) => p.text).join('\n')).toContain(canary);

    // The server's copy, through the API: inbox-v1 under the vault's current inbox key.
    const stored = await api().inbox.get(ALICE, row.id);
    expect(stored.format).toBe('inbox-v1');
    const ring = (await alice.bg.custody.current())!.inbox!;
    expect(await storedKeyId(row.id)).toBe(currentInboxKey(ring).id);

    // A re-open on a fresh background whose private key cannot be unlocked at all.
    const restore = await breakPrivateKey(alice);
    try {
      const again = await handlers()['inbox.open']({ address: ALICE, id: row.id });
      expect(again.privateKeyUsed).toBe(false);
      expect(again.resealed).toBe(false);
      expect(again.view.parts.map((p) => p.text).join('\n')).toContain(canary);
      // The same background cannot open an arrival: the check above could fail.
      await deliver(eml('Second', 'needs the private key'));
      const second = await newest();
      await expect(handlers()['inbox.open']({ address: ALICE, id: second.id })).rejects.toMatchObject({
        code: 'bad_passphrase',
      });
    } finally {
      await restore();
    }
  });

  it('a 412 from a concurrent re-seal refetches and opens what is stored now', async () => {
    await deliver(eml('Race', 'two devices open this at once'));
    const row = await newest();
    const other = await backgroundDevice(null, 'inbox-alice-2');
    await other.restore(worker.url, ALICE);
    // Device 2 opens and re-seals between device 1's download and its replace.
    const real = api();
    let raced = false;
    const racing: ApiClient = {
      ...real,
      inbox: {
        ...real.inbox,
        replace: async (...args: Parameters<ApiClient['inbox']['replace']>) => {
          if (!raced) {
            raced = true;
            await other.bg.handlers['inbox.open']({ address: ALICE, id: row.id });
          }
          return real.inbox.replace(...args);
        },
      },
    };
    const keys = {
      ring: async () => (await alice.bg.custody.current())!.inbox!,
      refreshRing: async () => (await alice.bg.custody.current())!.inbox,
      privateKey: async () => {
        const { unlockPrivateKey } = await import('../../shared/pgp/keys.ts');
        const s = (await alice.bg.custody.current())!;
        return unlockPrivateKey(s.identity.pgp.privateKey, s.identity.pgp.keyPassphrase);
      },
    };
    const out = await openStoredMessage(racing, ALICE, row.id, keys);
    expect(raced).toBe(true);
    // Device 2 won the swap; device 1 refetched and found it under the shared inbox key.
    expect(out.resealed).toBe(false);
    expect(out.resealFailed).toBeUndefined();
    expect(out.message.format).toBe('inbox-v1');
    expect(new TextDecoder().decode(out.raw)).toContain('two devices open this at once');
  });

  it('hands an attachment over in pieces, byte for byte, and pages the list', async () => {
    const bytes = new Uint8Array(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    const b64 = (
      Buffer.from(bytes)
        .toString('base64')
        .match(/.{1,76}/g) ?? []
    ).join('\r\n');
    await deliver(
      [
        `From: Dave <${DAVE}>`,
        `To: ${ALICE}`,
        'Subject: Figures attached',
        `Message-ID: <att-${Date.now()}@webmail.localhost>`,
        `Date: ${new Date().toUTCString()}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The figures.',
        '--b',
        'Content-Type: application/octet-stream; name="figures.bin"',
        'Content-Disposition: attachment; filename="figures.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        b64,
        '--b--',
        '',
      ].join('\r\n'),
    );
    const row = await newest();
    expect(row.attachments).toBe(1);
    const opened = await handlers()['inbox.open']({ address: ALICE, id: row.id });
    expect(opened.view.attachments).toEqual([
      expect.objectContaining({ name: 'figures.bin', size: bytes.length, data: '' }),
    ]);
    const pieces: Buffer[] = [];
    for (let offset = 0; offset < bytes.length; ) {
      const piece = await handlers()['inbox.attachment']({ address: ALICE, id: row.id, index: 0, offset });
      expect(piece.total).toBe(bytes.length);
      pieces.push(Buffer.from(piece.data, 'base64'));
      offset += pieces.at(-1)!.length;
    }
    expect(Buffer.concat(pieces).equals(Buffer.from(bytes))).toBe(true);
    // Paging: one message a page, newest first, through the server's cursor.
    const first = await handlers()['inbox.list']({ address: ALICE, limit: 1 });
    expect(first.messages.map((m) => m.id)).toEqual([row.id]);
    const second = await handlers()['inbox.list']({ address: ALICE, limit: 1, before: first.next! });
    expect(second.messages).toHaveLength(1);
    expect(second.messages[0]!.id).not.toBe(row.id);
  });

  it('local search finds opened mail; its source at rest holds no plaintext', async () => {
    const word = `zebracanary${Date.now()}`;
    await deliver(eml('Search me', `The word is ${word} today.`));
    const row = await newest();
    expect((await handlers()['inbox.search']({ query: word })).hits).toEqual([]);
    await handlers()['inbox.open']({ address: ALICE, id: row.id });
    const { hits } = await handlers()['inbox.search']({ query: word });
    expect(hits.map((h) => h.id)).toEqual([row.id]);
    // Every record of the search store, raw: no word of the mail.
    const rows = await alice.db.getAll('inboxSearch');
    expect(rows.length).toBeGreaterThan(0);
    const all = rows.map((r) => Buffer.from(r.entry).toString('latin1')).join('\n');
    expect(all).not.toContain(word);
    expect(all).not.toContain('Search me');
    expect(all).not.toContain(DAVE);
    // Built again from the sealed source after a lock (the index itself is only in memory).
    await handlers().lock({});
    await alice.unlock();
    expect((await handlers()['inbox.search']({ query: word })).hits.map((h) => h.id)).toEqual([row.id]);
  });

  it('the poll counts unread inbox mail for the badge and announces arrivals, naming the sender', async () => {
    const first = await alice.bg.inbox.poll();
    expect(first).toBeUndefined();
    const before = notified.length;
    await deliver(eml('Poll', 'new mail for the badge'));
    await alice.bg.inbox.poll();
    expect(notified.length).toBe(before + 1);
    expect(notified.at(-1)).toMatchObject({ title: 'inboxNewMailOne:', message: 'inboxNewMailFrom:Dave' });
    const unread = (await handlers()['inbox.overview']({})).inboxes[0]!.unread;
    expect(unread).toBeGreaterThanOrEqual(1);
    expect(badges.at(-1)).toBe(String(unread));
    // Nothing new: a 304, and no second notification.
    await alice.bg.inbox.poll();
    expect(notified.length).toBe(before + 1);
  });

  it('locked, the poll asks only the watch token: the badge counts, "New mail" names nobody; unlocked, the sender', async () => {
    await alice.bg.inbox.poll();
    const unreadBefore = Number(badges.at(-1) || '0');
    await handlers().lock({});
    // No session while locked (docs/threat-model.md): the watch token is all the poll has.
    expect(await alice.bg.server.sessions.get()).toBeUndefined();
    const before = notified.length;
    await deliver(eml('While locked', 'who wrote this?'));
    await alice.bg.inbox.poll();
    expect(notified.slice(before)).toEqual([{ title: 'inboxNewMailOne:', message: 'inboxNewMailLocked:' }]);
    expect(badges.at(-1)).toBe(String(unreadBefore + 1));
    // Nothing new: no second notification.
    await alice.bg.inbox.poll();
    expect(notified.length).toBe(before + 1);
    await alice.unlock();
    await alice.bg.inbox.poll();
    expect(notified.slice(before + 1)).toEqual([
      { title: 'inboxNewMailOne:', message: 'inboxNewMailFrom:Dave' },
    ]);
  });

  it('rotation re-encrypts every stored message and the search source, resuming after a crash', async () => {
    const old = currentInboxKey((await alice.bg.custody.current())!.inbox!).id;
    const ring = await rotateInboxKey({
      records: alice.records,
      custody: alice.bg.custody,
      server: alice.bg.server,
    });
    const target = currentInboxKey(ring).id;
    expect(target).not.toBe(old);
    expect(inboxKeys(ring).map((k) => k.id)).toContain(old);
    const records = new InboxRecords(alice.db);
    await records.putRotation(newRotation(target, [ALICE]));
    // The first walk loses one replace (offline for a moment), then dies on the second folder.
    const real = api();
    let replaces = 0;
    let lists = 0;
    const crashing: ApiClient = {
      ...real,
      inbox: {
        ...real.inbox,
        replace: (...args: Parameters<ApiClient['inbox']['replace']>) => {
          if (++replaces === 2) return Promise.reject(new TypeError('network down'));
          return real.inbox.replace(...args);
        },
        list: (...args: Parameters<ApiClient['inbox']['list']>) => {
          if (++lists === 2) return Promise.reject(new TypeError('the browser closed'));
          return real.inbox.list(...args);
        },
      },
    };
    const keys = {
      ring: async () => (await alice.bg.custody.current())!.inbox!,
      refreshRing: async () => (await alice.bg.custody.current())!.inbox,
      privateKey: () => Promise.reject(new Error('rotation never needs the private key')),
    };
    const search = new SearchStore(alice.db);
    await expect(continueRotation({ api: crashing, records, keys, search })).rejects.toThrow(
      'the browser closed',
    );
    const halfway = await records.rotation();
    expect(halfway).toMatchObject({ finishedAt: null, failed: 1 });
    expect(halfway!.moved).toBeGreaterThan(0);
    expect(halfway!.pending.map((p) => p.folder)).toEqual(['sent']);
    // Resumed (the poll alarm does this): the rest, then a second pass for the one that failed.
    let rec = halfway;
    for (let run = 0; run < 4 && rec?.finishedAt === null; run++)
      rec = await continueRotation({ api: real, records, keys, search });
    expect(rec).toMatchObject({ passes: 2, failed: 0 });
    expect(rec?.finishedAt).not.toBeNull();
    const { messages } = await real.inbox.list(ALICE, { limit: 200 });
    const sealed = messages.filter((x) => x.format === 'inbox-v1');
    expect(sealed.length).toBeGreaterThan(2);
    for (const m of sealed) expect(await storedKeyId(m.id), m.id).toBe(target);
    expect(await search.staleCount(ring)).toBe(0);
    // Re-opening after the rotation: the new key only.
    const reopened = await handlers()['inbox.open']({ address: ALICE, id: sealed[0]!.id });
    expect(reopened.privateKeyUsed).toBe(false);
  });

  it('the inbox key syncs with the vault: a second device opens what the first sealed, and a merge keeps both keys', async () => {
    await deliver(eml('Synced', 'sealed by device one'));
    const row = await newest();
    await handlers()['inbox.open']({ address: ALICE, id: row.id });
    const two = await backgroundDevice(null, 'inbox-alice-3');
    await two.restore(worker.url, ALICE);
    const broken = await breakPrivateKey(two);
    try {
      const opened = await two.bg.handlers['inbox.open']({ address: ALICE, id: row.id });
      expect(opened.privateKeyUsed).toBe(false);
    } finally {
      await broken();
    }
    // Both rotate without seeing each other: the vault's compare-and-swap merges the rings.
    await two.bg.handlers['inbox.rotateKey']({ confirm: true });
    await handlers()['inbox.rotateKey']({ confirm: true });
    const a = (await alice.bg.custody.current())!.inbox!;
    await two.bg.upkeep();
    const b = (await two.bg.custody.current())!.inbox!;
    const ids = (r: typeof a) => inboxKeys(r).map((k) => k.id);
    for (const id of ids(b)) expect(ids(a)).toContain(id);
    expect(currentInboxKey(a).id).toBe(currentInboxKey(b).id);
  });

  it('claims a second inbox (the key gains its user ID) and releases it', async () => {
    const second = `alice-bg-2@noise.localhost`;
    const after = await handlers()['inbox.claim']({ address: second });
    expect(after.inboxes.map((i) => i.address).sort()).toEqual([ALICE, second].sort());
    const found = await api().directory.lookupByEmail(second);
    expect(found?.fingerprint).toBe(account.identity.pgp.fingerprint);
    await deliver(eml('To the second inbox', 'hello second'), second);
    const { messages } = await handlers()['inbox.list']({ address: second });
    const opened = await handlers()['inbox.open']({ address: second, id: messages[0]!.id });
    expect(opened.view.parts[0]?.text).toContain('hello second');
    await expect(handlers()['inbox.release']({ address: ALICE, confirm: true })).rejects.toMatchObject({
      code: 'bad_request',
    });
    const released = await handlers()['inbox.release']({ address: second, confirm: true });
    expect(released.inboxes.map((i) => i.address)).toEqual([ALICE]);
  });
});
