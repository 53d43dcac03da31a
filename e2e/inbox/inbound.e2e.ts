// The registered inbox end to end on a real `wrangler dev` (workerd, local D1, Durable Objects,
// R2): dave writes from the demo webmail to alice@noise.localhost, `npm start`'s bridge
// (scripts/local-mail.mjs) posts it to /cdn-cgi/local/email as Email Routing would, and alice
// reads it back through the inbox API and opens it with her key — in openpgp.js and in gpg,
// from an exported copy. Nothing of the mail's plaintext is in wrangler's state on disk.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboundMailBridge, LOCAL_EMAIL_LIMIT } from '../../scripts/local-mail.mjs';
import { RegisterResponse } from '../../shared/api/accounts.ts';
import { MessageListResponse } from '../../shared/api/inbox.ts';
import { fromBase64Url, toBase64Url } from '../../shared/encoding.ts';
import { decodeSummary } from '../../shared/mailbox/summary.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { createGpgHome, type GpgHome } from '../interop/programs.ts';
import { startWebmail } from '../webmail/server.ts';

const CANARY = 'CANARY-e2e-5b1d07';
const ALICE = 'alice@noise.localhost';
const PASSPHRASE = 'e2e passphrase for alice';

let worker: WorkerServer;
let webmail: Awaited<ReturnType<typeof startWebmail>>;
let dataDir = '';
let gpg: GpgHome;
let privateKey: openpgp.PrivateKey;
let armoredPrivate = '';
let token = '';

const random = (n: number) => toBase64Url(crypto.getRandomValues(new Uint8Array(n)));

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'noise-inbox-e2e-'));
  gpg = createGpgHome();
  [worker, webmail] = await Promise.all([startWorker(), startWebmail({ dataDir, port: 0 })]);
  const generated = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: ALICE }],
    passphrase: PASSPHRASE,
    format: 'armored',
  });
  armoredPrivate = generated.privateKey;
  privateKey = await openpgp.decryptKey({
    privateKey: await openpgp.readPrivateKey({ armoredKey: armoredPrivate }),
    passphrase: PASSPHRASE,
  });
  const res = await fetch(`${worker.url}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      address: ALICE,
      kdf: {
        algorithm: 'argon2id',
        version: 19,
        iterations: 3,
        memoryKiB: 65536,
        parallelism: 4,
        salt: random(16),
      },
      authKey: random(32),
      vault: random(64),
      keys: { openpgpKey: generated.publicKey },
      deviceName: 'e2e',
    }),
  });
  expect(res.status).toBe(201);
  token = RegisterResponse.parse(await res.json()).session.accessToken;
});

afterAll(async () => {
  await Promise.all([worker?.stop(), webmail?.stop(), gpg?.cleanup()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function inbox(path: string): Promise<Response> {
  return fetch(`${worker.url}/api/v1/inboxes/${encodeURIComponent(ALICE)}${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
}

async function decrypt(sealed: Uint8Array): Promise<Uint8Array> {
  const { data } = await openpgp.decrypt({
    message: await openpgp.readMessage({ binaryMessage: sealed }),
    decryptionKeys: privateKey,
    format: 'binary',
  });
  return data as Uint8Array;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('registered inbox on wrangler dev', () => {
  it('dave → alice@noise.localhost: posted as Email Routing would, stored sealed, read back and opened (openpgp.js and gpg)', async () => {
    const sent = await fetch(`${webmail.url}/api/accounts/dave/send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        to: [ALICE],
        subject: `Dinner ${CANARY}`,
        text: `Hi Alice, dinner at eight? ${CANARY}`,
      }),
    });
    expect(sent.status).toBe(201);
    const [outbound] = (await sent.json()).outbound as { id: string }[];
    const raw = new Uint8Array(readFileSync(join(dataDir, 'outbound', `${outbound!.id}.eml`)));

    const poll = createInboundMailBridge({
      webmailUrl: webmail.url,
      workerUrl: worker.url,
      serviceDomain: 'noise.localhost',
    });
    const delivered = await poll();
    expect(delivered.map((d) => [d.to, d.status])).toEqual([[ALICE, 200]]);
    expect(await poll()).toEqual([]);

    const list = MessageListResponse.parse(await (await inbox('/messages')).json());
    expect(list.messages).toHaveLength(1);
    const m = list.messages[0]!;
    expect(m.format).toBe('pgp');
    // Locally Cloudflare adds no Authentication-Results: "unknown" is a real state.
    expect(m.auth).toEqual({ spf: 'unknown', dkim: 'unknown', dmarc: 'unknown', aligned: false });
    const summary = decodeSummary(await decrypt(fromBase64Url(m.summary)));
    expect(summary).toMatchObject({
      subject: `Dinner ${CANARY}`,
      from: { address: 'dave@webmail.localhost' },
    });
    expect(summary.snippet).toContain(CANARY);

    const bodyRes = await inbox(`/messages/${m.id}/body`);
    expect(bodyRes.status).toBe(200);
    const sealed = new Uint8Array(await bodyRes.arrayBuffer());
    expect(Buffer.from(await decrypt(sealed)).equals(Buffer.from(raw))).toBe(true);

    // An exported copy opens with gpg 2.2 too (v4 ECC, SEIPDv1: docs/spec/mailbox-v1.md §5).
    const imported = await gpg.gpg(['--import'], { input: armoredPrivate, passphrase: PASSPHRASE });
    expect(imported.code, imported.stderr).toBe(0);
    const opened = await gpg.gpg(['--decrypt', gpg.file('exported.pgp', sealed)], { passphrase: PASSPHRASE });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout.equals(Buffer.from(raw))).toBe(true);

    // Nothing plaintext at rest: not in D1, the Durable Object's SQLite, R2's blobs, or their keys.
    const stored = filesUnder(worker.state);
    expect(stored.some((f) => /[/\\]do[/\\]/.test(f))).toBe(true);
    expect(stored.some((f) => /[/\\]r2[/\\]/.test(f))).toBe(true);
    const hits = stored.filter((f) => {
      const text = readFileSync(f).toString('latin1');
      return text.includes(CANARY) || text.includes('dave@webmail.localhost') || f.includes(CANARY);
    });
    expect(hits).toEqual([]);
  });

  it('the bridge skips what wrangler would refuse: over 1 MiB locally', async () => {
    const sent = await fetch(`${webmail.url}/api/accounts/dave/send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ to: [ALICE], subject: 'Big', text: 'x'.repeat(LOCAL_EMAIL_LIMIT + 10) }),
    });
    expect(sent.status).toBe(201);
    const poll = createInboundMailBridge({
      webmailUrl: webmail.url,
      workerUrl: worker.url,
      serviceDomain: 'noise.localhost',
    });
    const results = await poll();
    const big = results.find((r) => r.status === 0);
    expect(big?.note).toMatch(/1 MiB/);
  });
});
