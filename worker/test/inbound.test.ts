// The email() handler with real .eml files (worker/test/fixtures/inbox): every arrival is sealed
// to the inbox's published key before it is written, and after each one a plaintext canary is
// absent from every D1 row, every Mailbox Durable Object row and every R2 object.

import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { type InboxMessage, MessageListResponse } from '../../shared/api/inbox.ts';
import { fromBase64Url } from '../../shared/encoding.ts';
import { decodeSummary } from '../../shared/mailbox/summary.ts';
import { REJECT } from '../src/inbound/receive.ts';
import attachmentsEml from './fixtures/inbox/attachments.eml?raw';
import forgedEml from './fixtures/inbox/forged-auth.eml?raw';
import htmlEml from './fixtures/inbox/html.eml?raw';
import malformedEml from './fixtures/inbox/malformed.eml?raw';
import pgpInlineEml from './fixtures/inbox/pgp-inline.eml?raw';
import pgpMimeEml from './fixtures/inbox/pgp-mime.eml?raw';
import plainEml from './fixtures/inbox/plain.eml?raw';
import { addressed, deliver } from './inbox-support/inbound-mail.ts';
import { type InboxAccount, inboxAccount, inboxApi, openSealed } from './inbox-support/inbox-account.ts';
import { findEverywhere } from './inbox-support/storage-scan.ts';

const CANARY = 'CANARY7f3a9c';

let alice: InboxAccount;
const mailboxes: string[] = [];

beforeAll(async () => {
  alice = await inboxAccount('alice');
  mailboxes.push(alice.address);
});

async function listed(who: InboxAccount): Promise<MessageListResponse['messages']> {
  const res = await inboxApi(who, '/messages?limit=200');
  expect(res.status).toBe(200);
  return MessageListResponse.parse(await res.json()).messages;
}

async function newest(who: InboxAccount): Promise<InboxMessage> {
  const [m] = await listed(who);
  if (!m) throw new Error('no message listed');
  return m;
}

async function bodyOf(who: InboxAccount, id: string): Promise<Uint8Array> {
  const res = await inboxApi(who, `/messages/${id}/body`);
  expect(res.status).toBe(200);
  expect(res.headers.get('X-Noise-Format')).toBe('pgp');
  return new Uint8Array(await res.arrayBuffer());
}

async function expectNoCanary(): Promise<void> {
  expect(await findEverywhere(CANARY, mailboxes)).toEqual([]);
}

async function summaryOf(m: InboxMessage) {
  return decodeSummary(await openSealed(alice, fromBase64Url(m.summary)));
}

describe('email(): plaintext arrivals are sealed at the edge', () => {
  it('plain text: stored sealed to the published key; summary and body open with the private key', async () => {
    const raw = addressed(plainEml, alice.address);
    const d = await deliver(raw, alice.address);
    expect(d.threw).toBeUndefined();
    expect(d.rejected).toBeUndefined();
    const m = await newest(alice);
    expect(m.format).toBe('pgp');
    expect(m.auth).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'pass', aligned: true });
    expect(m.flags).toEqual({ read: false, starred: false });
    const s = await summaryOf(m);
    expect(s.subject).toBe(`Lunch plans ${CANARY}`);
    expect(s.from?.address).toBe(`dave.${CANARY.toLowerCase()}@sender.example`);
    expect(s.snippet).toContain(`the secret word is ${CANARY}`);
    expect(s.encryption).toBe('none');
    expect(s.date).toBe('2026-12-07T10:00:00.000Z');
    // The body is the raw message, byte for byte.
    expect(await openSealed(alice, await bodyOf(alice, m.id))).toEqual(raw);
    await expectNoCanary();
  });

  it('HTML only: the snippet is the rendered text, without markup or remote URLs', async () => {
    await deliver(addressed(htmlEml, alice.address), alice.address);
    const s = await summaryOf(await newest(alice));
    expect(s.subject).toBe(`Grüße ${CANARY}`);
    expect(s.snippet).toContain(`Hello Alice, the code is ${CANARY}.`);
    expect(s.snippet).not.toMatch(/<|tracker/);
    await expectNoCanary();
  });

  it('attachments: names, types and sizes in the summary, contents only in the sealed body', async () => {
    await deliver(addressed(attachmentsEml, alice.address), alice.address);
    const s = await summaryOf(await newest(alice));
    expect(s.attachments).toHaveLength(1);
    expect(s.attachments[0]).toMatchObject({ name: `report-${CANARY}.pdf`, type: 'application/pdf' });
    expect(s.attachments[0]!.size).toBe(`report contents ${CANARY}\n`.length * 20);
    await expectNoCanary();
  });

  it('malformed MIME is still mail: accepted, sealed, the raw bytes kept', async () => {
    const raw = addressed(malformedEml, alice.address);
    const d = await deliver(raw, alice.address);
    expect(d.threw).toBeUndefined();
    expect(d.rejected).toBeUndefined();
    const m = await newest(alice);
    expect(await openSealed(alice, await bodyOf(alice, m.id))).toEqual(raw);
    await summaryOf(m);
    await expectNoCanary();
  });
});

describe('email(): already-encrypted arrivals', () => {
  it.each([
    ['PGP/MIME', pgpMimeEml, 'pgp-mime'],
    ['inline PGP', pgpInlineEml, 'pgp-inline'],
  ] as const)('%s is kept byte for byte, its headers sealed too; no snippet', async (_name, eml, kind) => {
    const raw = addressed(eml, alice.address);
    await deliver(raw, alice.address);
    const m = await newest(alice);
    const s = await summaryOf(m);
    expect(s.encryption).toBe(kind);
    expect(s.snippet).toBe('');
    expect(await openSealed(alice, await bodyOf(alice, m.id))).toEqual(raw);
    // Its From address is in the raw headers: sealed like everything else.
    expect(await findEverywhere('bob@sender.example', mailboxes)).toEqual([]);
    await expectNoCanary();
  });
});

describe('email(): authentication verdicts', () => {
  it("a forged Authentication-Results below Cloudflare's is ignored, and so is its Autocrypt header", async () => {
    await deliver(addressed(forgedEml, alice.address), alice.address);
    const m = await newest(alice);
    expect(m.auth).toEqual({ spf: 'none', dkim: 'none', dmarc: 'none', aligned: false });
    expect((await summaryOf(m)).autocrypt).toBeUndefined();
    await expectNoCanary();
  });

  it('no header from Cloudflare: every verdict is unknown, whatever the sender wrote', async () => {
    const eml = forgedEml
      .replace(/^Authentication-Results: mx\.cloudflare\.net; spf=none[^\r\n]*\r?\n/, '')
      .replace(
        /^Authentication-Results: mx\.cloudflare\.net;[^\r\n]*\r?\n/m,
        'Authentication-Results: mx.google.com; dmarc=pass header.from=bank.example\r\n',
      );
    await deliver(addressed(eml.replace('forged-1@', 'forged-2@'), alice.address), alice.address);
    expect((await newest(alice)).auth).toEqual({
      spf: 'unknown',
      dkim: 'unknown',
      dmarc: 'unknown',
      aligned: false,
    });
  });
});

describe('email(): refusals and duplicates', () => {
  it('an unknown recipient is refused as no such user; nothing is stored', async () => {
    const d = await deliver(addressed(plainEml, 'nobody@noise.localhost'), 'nobody@noise.localhost');
    expect(d.rejected).toBe(REJECT.unknown);
    await expectNoCanary();
  });

  it('a message over the size limit is refused before it is read', async () => {
    const d = await deliver(addressed(plainEml, alice.address), alice.address, { rawSize: 26 * 1024 * 1024 });
    expect(d.rejected).toBe(REJECT.tooLarge);
    await expectNoCanary();
  });

  it('a stream longer than the limit is refused while reading, whatever rawSize claimed', async () => {
    const big = new Uint8Array(25 * 1024 * 1024 + 10).fill(0x61);
    const raw = new Uint8Array([...addressed(plainEml, alice.address).subarray(0, 400)]);
    const joined = new Uint8Array(raw.length + big.length);
    joined.set(raw);
    joined.set(big, raw.length);
    const d = await deliver(joined, alice.address, { rawSize: 1000 });
    expect(d.rejected).toBe(REJECT.tooLarge);
    await expectNoCanary();
  });

  it('the same Message-ID delivered again (a retry) is stored once', async () => {
    const before = (await listed(alice)).length;
    const raw = addressed(plainEml.replace('plain-', 'dup-'), alice.address);
    await deliver(raw, alice.address);
    const again = await deliver(raw, alice.address);
    expect(again.threw).toBeUndefined();
    expect(again.rejected).toBeUndefined();
    const twins = await Promise.all([deliver(raw, alice.address), deliver(raw, alice.address)]);
    for (const t of twins) expect(t.rejected).toBeUndefined();
    expect((await listed(alice)).length).toBe(before + 1);
    const objects = await env.MAIL_BODIES.list();
    expect(objects.objects.length).toBe((await listed(alice)).length);
    await expectNoCanary();
  });
});
