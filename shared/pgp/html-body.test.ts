import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrivateKey } from 'openpgp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readMail } from '../reader/test/mail-view.ts';
import { htmlToText, scanHtmlContent } from './html-body.ts';
import { type GeneratedKey, generateKey, unlockPrivateKey } from './keys.ts';
import { buildEncryptedMime, type MailContent } from './mime-build.ts';

describe('htmlToText', () => {
  it('renders <br>, blocks, <pre> and entities the way a reader sees them', () => {
    expect(htmlToText('<div>a &amp; b</div><div><br></div><div>c&nbsp;d</div>')).toBe('a & b\n\nc\u00a0d');
    expect(htmlToText('<p>one\n   two</p>\n<p>three<br>\n four</p>')).toBe('one two\nthree\nfour');
    expect(htmlToText('<pre>\n  x  &lt;y&gt;\n\n z</pre>after')).toBe('  x  <y>\n\n z\nafter');
    expect(htmlToText('<head><title>t</title><style>p{}</style></head><script>s()</script>ok')).toBe('ok');
    expect(htmlToText('a <!-- hidden --> b &amp;lt; c')).toBe('a b &lt; c');
  });
});

describe('scanHtmlContent', () => {
  const remote = [
    '<img src="https://t.example/p.gif">',
    '<IMG SRC=//t.example/p.gif>',
    '<img/src="x.png">',
    '<img src="&#104;ttps://t.example/">',
    '<img srcset="a.png 1x, data:image/png;base64,AA 2x">',
    '<table background="http://t.example/b.png">',
    '<video poster="http://t.example/v.jpg"></video>',
    '<link rel="stylesheet" href="http://t.example/s.css">',
    '<svg><image href="http://t.example/i.png"/></svg>',
    '<svg><use xlink:href="http://t.example/s.svg#a"/></svg>',
    '<div style="background: url( \'http://t.example/b.png\' )">',
    '<style>@import "http://t.example/s.css";</style>',
    '<style>p { background: u\\72l(http://t.example/x) }</style>',
    '<meta http-equiv="Refresh" content="0; url=http://t.example/">',
    '<iframe srcdoc="hi"></iframe>',
    '<object data="http://t.example/o"></object>',
  ];
  const local = [
    '<img src="cid:logo@x">',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<a href="https://example.org/">a link is followed only on a click</a>',
    '<div style="color: red">text</div>',
    '<p>url(http://t.example/) in text is only text</p>',
    '<!-- <img src="http://t.example/"> -->',
  ];

  it('flags everything that rendering as-is would fetch', () => {
    for (const html of remote) expect(scanHtmlContent(html).remote, html).toBe(true);
  });

  it('does not flag local references, links and plain styling', () => {
    for (const html of local) expect(scanHtmlContent(html), html).toEqual({ remote: false, active: false });
  });

  it('flags scripts, event handlers and javascript: URLs as active', () => {
    for (const html of [
      '<script>alert(1)</script>',
      '<img src="cid:x" onerror="alert(1)">',
      '<a href=" java\tscript:alert(1)">x</a>',
      '<svg onload=alert(1)>',
    ]) {
      expect(scanHtmlContent(html).active, html).toBe(true);
    }
  });
});

describe('hostile HTML size', () => {
  function cpuMillis(run: () => void): number {
    let best = Number.POSITIVE_INFINITY;
    for (let n = 0; n < 3; n++) {
      const before = process.cpuUsage();
      run();
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    return best;
  }

  it('takes linear time on adversarial input', () => {
    const makers = [
      (n: number) => '<br>'.repeat(n / 4),
      (n: number) => `<pre>${' '.repeat(n / 2)}x${' '.repeat(n / 2)}</pre>`,
      (n: number) => '<style></style>'.repeat(n / 15),
      (n: number) => `<div style="${'url('.repeat(n / 4)}">`,
      (n: number) => '<a b=c '.repeat(n / 7),
      (n: number) => `<p>${'&amp;'.repeat(n / 5)}</p>`,
    ];
    for (const make of makers) {
      const small = make(50_000);
      const large = make(400_000);
      const cost = (html: string) => () => {
        htmlToText(html);
        scanHtmlContent(html);
      };
      // Eight times the input: linear is 8×, quadratic 64×; CPU time includes the GC's threads and
      // the machine is shared, so allow 3× on top, and a floor for timer granularity.
      expect(cpuMillis(cost(large)), make(40)).toBeLessThan(Math.max(24 * cpuMillis(cost(small)), 60));
    }
  });
});

describe('decrypted HTML (EFAIL)', () => {
  let alice: GeneratedKey;
  let bob: GeneratedKey;
  let aliceKey: PrivateKey;
  let bobKey: PrivateKey;
  let server: Server;
  let hits = 0;
  let origin = '';

  beforeAll(async () => {
    [alice, bob] = await Promise.all([
      generateKey({ userIds: [{ email: 'alice@example.org' }], passphrase: 'a' }),
      generateKey({ userIds: [{ email: 'bob@example.net' }], passphrase: 'b' }),
    ]);
    [aliceKey, bobKey] = await Promise.all([
      unlockPrivateKey(alice.privateKey, 'a'),
      unlockPrivateKey(bob.privateKey, 'b'),
    ]);
    // A real listener: any request the parser made for the mail's URLs would land here.
    server = createServer((_req, res) => {
      hits++;
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns remote images and scripts only as a string, flagged, and fetches nothing', async () => {
    const html =
      `<p>Secret plan</p><img src="${origin}/leak?plain=">` +
      `<script src="${origin}/x.js"></script><div style="background:url(${origin}/bg)">x</div>`;
    const content: MailContent = {
      from: { address: 'alice@example.org' },
      to: [{ address: 'bob@example.net' }],
      subject: 'plan',
      text: 'Secret plan',
      html,
    };
    const eml = await buildEncryptedMime(content, { recipients: [bob.publicKey], signingKey: aliceKey });
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const mail = await readMail(eml, { decryptionKeys: [bobKey], verificationKeys: [alice.publicKey] });
    expect(typeof mail.html).toBe('string');
    expect(mail.html?.trim()).toBe(html);
    expect(mail.hasRemoteContent).toBe(true);
    expect(mail.hasActiveContent).toBe(true);
    expect(mail.verdict).toMatchObject({ encrypted: true, signedBySender: true });
    // Give any stray request time to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(hits).toBe(0);
  });

  it('a decrypted HTML part with only inline images is not flagged', async () => {
    const content: MailContent = {
      from: { address: 'alice@example.org' },
      to: [{ address: 'bob@example.net' }],
      subject: 'logo',
      text: 'logo',
      html: '<p>logo <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></p>',
    };
    const eml = await buildEncryptedMime(content, { recipients: [bob.publicKey], signingKey: aliceKey });
    const mail = await readMail(eml, { decryptionKeys: [bobKey] });
    expect(mail.html).toContain('data:image/gif');
    expect(mail).toMatchObject({ hasRemoteContent: false, hasActiveContent: false });
  });
});
