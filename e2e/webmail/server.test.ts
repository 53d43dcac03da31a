import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebmail, type Webmail } from './server.ts';

let webmail: Webmail;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'noise-webmail-'));
  webmail = await startWebmail({ dataDir });
});
afterAll(async () => {
  await webmail?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const addr = (name: string) => `${name}@webmail.localhost`;

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${webmail.url}/api${path}`, init);
}

async function send(from: string, body: Record<string, unknown>) {
  const res = await api(`/accounts/${from}/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as {
    id: string;
    messageId: string;
    threadId: string;
    delivered: { account: string; id: string }[];
    outbound: { address: string; id: string }[];
  };
}

async function raw(account: string, id: string): Promise<Buffer> {
  const res = await api(`/accounts/${account}/messages/${id}/raw`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('message/rfc822');
  return Buffer.from(await res.arrayBuffer());
}

describe('local delivery', () => {
  it('delivers to To, Cc and Bcc accounts, files a Sent copy and keeps outside mail for export', async () => {
    const sent = await send('alice', {
      to: [addr('bob'), 'gpg-user@elsewhere.test'],
      cc: [addr('carol')],
      bcc: [addr('dave')],
      subject: 'Quarterly plan',
      text: 'Hello all,\nsee below.\n',
    });
    expect(sent.delivered.map((d) => d.account).sort()).toEqual(['bob', 'carol', 'dave']);
    expect(sent.outbound.map((o) => o.address)).toEqual(['gpg-user@elsewhere.test']);

    const sentCopy = await raw('alice', sent.id);
    for (const d of sent.delivered) expect((await raw(d.account, d.id)).equals(sentCopy)).toBe(true);
    const outbound = await api(`/outbound/${sent.outbound[0]!.id}/raw`);
    expect(Buffer.from(await outbound.arrayBuffer()).equals(sentCopy)).toBe(true);

    const text = sentCopy.toString('utf8');
    expect(text).not.toMatch(/^Bcc:/im);
    expect(text).not.toMatch(/[^\r]\n/); // CRLF line ends only (RFC 5322 §2.1)
    const parsed = await PostalMime.parse(sentCopy);
    expect(parsed.from?.address).toBe(addr('alice'));
    expect(parsed.subject).toBe('Quarterly plan');
    expect(parsed.text).toBe('Hello all,\r\nsee below.\r\n'.replace(/\r\n/g, '\n'));

    const inbox = (await (await api('/accounts/bob/mailboxes/inbox')).json()) as {
      id: string;
      subject: string;
    }[];
    expect(inbox.find((m) => m.id === sent.delivered.find((d) => d.account === 'bob')!.id)?.subject).toBe(
      'Quarterly plan',
    );
    // On disk as one .eml per message.
    expect(readdirSync(join(dataDir, 'bob', 'inbox')).some((f) => f.endsWith('.eml'))).toBe(true);
  });

  it('sends non-ASCII text as base64 UTF-8 and armored text unchanged', async () => {
    const armored =
      '-----BEGIN PGP MESSAGE-----\n\nwV4DAAAAAAAAAAASAQdAabc=\n=ABCD\n-----END PGP MESSAGE-----\n';
    const a = await send('bob', { to: [addr('alice')], subject: 'Grüße', text: 'Grüße, 你好' });
    const b = await send('bob', { to: [addr('alice')], subject: 'x', text: armored });
    expect((await PostalMime.parse(await raw('alice', a.delivered[0]!.id))).text).toBe('Grüße, 你好');
    const rawB = (await raw('alice', b.delivered[0]!.id)).toString('utf8');
    expect(rawB).toContain(armored.replace(/\n/g, '\r\n'));
  });
});

describe('raw .eml import and export', () => {
  it('round-trips byte for byte, including 8-bit bytes, odd headers and LF-only files', async () => {
    const crlf = Buffer.concat([
      Buffer.from(
        'Received: from gpg.local\r\nFrom: "Gee Pee" <gpg-user@elsewhere.test>\r\nTo: bob@webmail.localhost\r\n' +
          'Subject: signed\r\nX-Odd:   spaced   value  \r\nContent-Type: text/plain; charset=iso-8859-1\r\n' +
          'Content-Transfer-Encoding: 8bit\r\n\r\nCaf',
      ),
      Buffer.from([0xe9, 0x0d, 0x0a, 0x09, 0x20, 0x0d, 0x0a]),
    ]);
    const lfOnly = Buffer.from(
      'From: a@elsewhere.test\nTo: bob@webmail.localhost\nSubject: lf\n\nbody\n\n\n',
    );
    for (const input of [crlf, lfOnly]) {
      const res = await api('/accounts/bob/mailboxes/inbox', { method: 'POST', body: input });
      expect(res.status).toBe(201);
      const { id, subject } = (await res.json()) as { id: string; subject: string };
      expect(subject).toMatch(/signed|lf/);
      expect((await raw('bob', id)).equals(input)).toBe(true);
      expect(readFileSync(join(dataDir, 'bob', 'inbox', `${id}.eml`)).equals(input)).toBe(true);
    }
  });

  it('shows an imported message in the thread view of the account', async () => {
    const eml =
      'From: gpg-user@elsewhere.test\r\nTo: carol@webmail.localhost\r\nMessage-ID: <imp-1@elsewhere.test>\r\nSubject: imported\r\n\r\nline one\r\nline two\r\n';
    const res = await api('/accounts/carol/mailboxes/inbox', { method: 'POST', body: eml });
    const m = (await res.json()) as { threadId: string; messageId: string };
    expect(m.messageId).toBe('<imp-1@elsewhere.test>');
    const page = await (await fetch(`${webmail.url}/u/carol/t/${m.threadId}?skin=gmail`)).text();
    expect(page).toContain('line one<br>line two');
    expect(page).toContain('email="gpg-user@elsewhere.test"');
  });
  it('round-trips any body bytes after a valid header block (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('\r\n', '\n'),
        async (body, eol) => {
          const head = Buffer.from(`From: prop@elsewhere.test${eol}Subject: p${eol}${eol}`);
          const input = Buffer.concat([head, body]);
          const res = await api('/accounts/dave/mailboxes/inbox', { method: 'POST', body: input });
          expect(res.status).toBe(201);
          const { id } = (await res.json()) as { id: string };
          expect((await raw('dave', id)).equals(input)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('threads and replies', () => {
  it('sets In-Reply-To and References (RFC 5322 §3.6.4) and keeps one thread per conversation', async () => {
    const first = await send('alice', { to: [addr('bob')], subject: 'Lunch?', text: 'Noon?' });
    const bobCopy = first.delivered[0]!.id;
    const reply = await send('bob', {
      to: [addr('alice')],
      subject: 'Re: Lunch?',
      text: 'Yes',
      inReplyTo: bobCopy,
    });
    const aliceCopy = reply.delivered[0]!.id;
    const again = await send('alice', {
      to: [addr('bob')],
      subject: 'Re: Lunch?',
      text: 'Great',
      inReplyTo: aliceCopy,
    });

    const p2 = await PostalMime.parse(await raw('alice', aliceCopy));
    expect(p2.inReplyTo).toBe(first.messageId);
    expect(p2.references).toBe(first.messageId);
    const p3 = await PostalMime.parse(await raw('alice', again.id));
    expect(p3.inReplyTo).toBe(reply.messageId);
    expect(p3.references).toBe(`${first.messageId} ${reply.messageId}`);

    expect(new Set([first.threadId, reply.threadId, again.threadId]).size).toBe(1);
    const thread = (await (await api(`/accounts/alice/threads/${first.threadId}`)).json()) as {
      id: string;
    }[];
    expect(thread.map((m) => m.id)).toEqual([first.id, aliceCopy, again.id]);

    const compose = await (
      await fetch(`${webmail.url}/u/alice/compose?reply=${aliceCopy}&skin=plain`)
    ).text();
    expect(compose).toContain('value="Re: Lunch?"');
    expect(compose).toContain(`value="${addr('bob')}"`);
    expect(compose).toContain(`data-reply-id="${aliceCopy}"`);
  });
});

describe('bad input', () => {
  const json = { 'content-type': 'application/json' };
  const cases: [string, string, RequestInit, number, string][] = [
    ['unknown account', '/accounts/mallory/mailboxes/inbox', {}, 404, 'not_found'],
    ['unknown mailbox', '/accounts/bob/mailboxes/spam', {}, 404, 'not_found'],
    ['unknown message', '/accounts/bob/messages/0000000000000000/raw', {}, 404, 'not_found'],
    ['unknown endpoint', '/nothing', {}, 404, 'not_found'],
    ['wrong method', '/accounts/bob/send', { method: 'GET' }, 405, 'method_not_allowed'],
    ['not JSON', '/accounts/bob/send', { method: 'POST', headers: json, body: '{to:' }, 400, 'malformed'],
    ['not an object', '/accounts/bob/send', { method: 'POST', headers: json, body: '[]' }, 400, 'malformed'],
    [
      'wrong content type',
      '/accounts/bob/send',
      { method: 'POST', body: '{}' },
      415,
      'unsupported_media_type',
    ],
    [
      'bad address',
      '/accounts/bob/send',
      { method: 'POST', headers: json, body: '{"to":["not an address"]}' },
      400,
      'invalid_argument',
    ],
    [
      'no recipients',
      '/accounts/bob/send',
      { method: 'POST', headers: json, body: '{"to":[],"text":"x"}' },
      400,
      'invalid_argument',
    ],
    [
      'unknown field',
      '/accounts/bob/send',
      { method: 'POST', headers: json, body: '{"to":["a@b.c"],"from":"x@y.z"}' },
      400,
      'invalid_argument',
    ],
    [
      'header injection in subject',
      '/accounts/bob/send',
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ to: ['a@b.c'], subject: 'x\r\nBcc: eve@evil.test' }),
      },
      400,
      'invalid_argument',
    ],
    [
      'reply to unknown message',
      '/accounts/bob/send',
      { method: 'POST', headers: json, body: '{"to":["a@b.c"],"inReplyTo":"ffff"}' },
      404,
      'not_found',
    ],
    ['empty import', '/accounts/bob/mailboxes/inbox', { method: 'POST', body: '' }, 400, 'malformed'],
    [
      'not a message',
      '/accounts/bob/mailboxes/inbox',
      { method: 'POST', body: 'just some words\n\nmore' },
      400,
      'malformed',
    ],
    [
      'no From',
      '/accounts/bob/mailboxes/inbox',
      { method: 'POST', body: 'Subject: x\r\n\r\nbody' },
      400,
      'malformed',
    ],
  ];
  it.each(cases)('%s → %i JSON', async (_name, path, init, status, code) => {
    const res = await api(path, init);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('refuses an unknown skin and unknown pages with JSON errors', async () => {
    expect((await fetch(`${webmail.url}/u/bob/?skin=hotmail`)).status).toBe(400);
    expect((await fetch(`${webmail.url}/u/bob/t/nope`)).status).toBe(404);
    expect((await fetch(`${webmail.url}/static/../server.ts`)).status).toBe(404);
  });
});

describe('pages', () => {
  it('shows hostile subjects, names and bodies as text in every skin', async () => {
    const evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    const eml = `From: "${evil.replace(/"/g, "'")}" <evil@elsewhere.test>\r\nTo: bob@webmail.localhost\r\nSubject: ${evil}\r\n\r\n${evil}\r\n`;
    const res = await api('/accounts/bob/mailboxes/inbox', { method: 'POST', body: eml });
    const { threadId } = (await res.json()) as { threadId: string };
    for (const skin of ['gmail', 'outlook', 'plain']) {
      for (const path of ['/u/bob/', `/u/bob/t/${threadId}`]) {
        const html = await (await fetch(`${webmail.url}${path}?skin=${skin}`)).text();
        expect(html).not.toMatch(/<img|<script>window/);
        expect(html).toContain('&lt;img src=x');
      }
    }
  });

  it('sends the Trusted Types CSP with the Gmail skin only', async () => {
    const gmail = await fetch(`${webmail.url}/u/alice/`);
    expect(gmail.headers.get('content-security-policy')).toBe("require-trusted-types-for 'script'");
    const outlook = await fetch(`${webmail.url}/u/alice/?skin=outlook`);
    expect(outlook.headers.get('content-security-policy')).toBeNull();
    expect(await outlook.text()).toContain('id="MailList"');
  });

  it('clips bodies over ~100 KB in the Gmail skin behind a view=lg link to the full message', async () => {
    const long = `${'0123456789abcdef'.repeat(8)}\n`.repeat(1400); // 180 KB
    const sent = await send('alice', { to: [addr('dave')], subject: 'big', text: long });
    const thread = await (await fetch(`${webmail.url}/u/dave/t/${sent.threadId}?skin=gmail`)).text();
    const href = /<div class="iX">.*?<a href="([^"]+)"/.exec(thread)?.[1]?.replace(/&amp;/g, '&');
    expect(href).toContain('view=lg');
    expect(thread.length).toBeLessThan(long.length);
    const full = await (await fetch(`${webmail.url}${href}`)).text();
    expect(full).not.toContain('class="iX"');
    expect(full.length).toBeGreaterThan(long.length);
  });

  it("answers the browser's icon request without a 404", async () => {
    const icon = await fetch(`${webmail.url}/favicon.ico`);
    expect(icon.status).toBe(204);
  });
});
