// The demo webmail: `tsx e2e/webmail/server.ts --port N --data DIR`, or `startWebmail()` in
// tests. node:http only; pages are server-rendered, webmail.js adds the compose model.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type AccountOptions, buildAccounts } from './accounts.ts';
import { handleApi } from './api.ts';
import { WebmailError } from './errors.ts';
import { indexPage, renderPage } from './pages.ts';
import { MAX_MESSAGE_BYTES, MailStore } from './store.ts';

export interface WebmailOptions extends AccountOptions {
  port?: number;
  host?: string;
  dataDir: string;
}

export interface Webmail {
  url: string;
  port: number;
  store: MailStore;
  stop(): Promise<void>;
}

const PUBLIC = join(import.meta.dirname, 'public');
const STATIC_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

// Gmail has sent this since 2024; it makes string-to-DOM sinks (innerHTML…) throw.
export const GMAIL_CSP = "require-trusted-types-for 'script'";

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_MESSAGE_BYTES) {
        reject(new WebmailError(413, 'too_large', 'request body too large'));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function route(store: MailStore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] === 'api') {
    const out = await handleApi(store, {
      method: req.method ?? 'GET',
      segments: segments.slice(1),
      contentType: req.headers['content-type'] ?? '',
      body: () => readBody(req),
    });
    if ('json' in out) return sendJson(res, out.status, out.json);
    res.writeHead(out.status, {
      'content-type': out.contentType,
      'content-length': out.raw.byteLength,
      ...(out.filename ? { 'content-disposition': `attachment; filename="${out.filename}"` } : {}),
    });
    res.end(out.raw);
    return;
  }
  if (req.method !== 'GET') throw new WebmailError(405, 'method_not_allowed', 'use GET');
  if (segments[0] === 'static' && segments.length === 2 && /^[\w.-]+$/.test(segments[1]!)) {
    const type = STATIC_TYPES[extname(segments[1]!)];
    if (!type) throw new WebmailError(404, 'not_found', 'no such file');
    let data: Buffer;
    try {
      data = readFileSync(join(PUBLIC, segments[1]!));
    } catch {
      throw new WebmailError(404, 'not_found', 'no such file');
    }
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(data);
    return;
  }
  // Browsers ask every site for an icon; the demo has none, and says so without a 404 in the console.
  if (url.pathname === '/favicon.ico') {
    res.writeHead(204, { 'cache-control': 'max-age=86400' });
    res.end();
    return;
  }
  if (segments.length === 1 && segments[0] === 'hostile') {
    res.writeHead(200, { 'content-type': STATIC_TYPES['.html']! });
    res.end(readFileSync(join(PUBLIC, 'hostile.html')));
    return;
  }
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': STATIC_TYPES['.html']! });
    res.end(indexPage(store));
    return;
  }
  if (segments[0] === 'u' && segments[1]) {
    const page = await renderPage(store, segments[1], segments.slice(2), url.searchParams);
    res.writeHead(200, {
      'content-type': STATIC_TYPES['.html']!,
      'cache-control': 'no-store',
      ...(page.skin === 'gmail' ? { 'content-security-policy': GMAIL_CSP } : {}),
    });
    res.end(page.html);
    return;
  }
  throw new WebmailError(404, 'not_found', 'no such page');
}

export async function startWebmail(options: WebmailOptions): Promise<Webmail> {
  const store = new MailStore(options.dataDir, buildAccounts(options));
  const server = createServer((req, res) => {
    route(store, req, res).catch((e: unknown) => {
      if (e instanceof WebmailError)
        return sendJson(res, e.status, { error: { code: e.code, message: e.message } });
      console.error(e);
      sendJson(res, 500, { error: { code: 'internal', message: 'internal error' } });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    port,
    store,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8025' },
      data: { type: 'string' },
      domain: { type: 'string' },
    },
  });
  if (!values.data) {
    console.error('usage: tsx e2e/webmail/server.ts --port N --data DIR [--domain example.org]');
    process.exit(2);
  }
  const webmail = await startWebmail({
    port: Number(values.port),
    dataDir: values.data,
    ...(values.domain ? { domain: values.domain } : {}),
  });
  console.log(`demo webmail on ${webmail.url}/ (data in ${values.data})`);
}
