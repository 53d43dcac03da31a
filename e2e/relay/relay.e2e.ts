// The outbound relay on a real `wrangler dev` (workerd, local D1, the local send_email binding
// that writes each message as an .eml file): alice@noise.localhost sends PGP/MIME built by
// shared/outbound to a gpg user, a Sequoia user and another inbox; the .eml files wrangler wrote
// are byte for byte what she built; gpg and sq decrypt them and verify her signature; her
// Autocrypt header parses and gpg sees exactly the five-packet minimal key. `npm start`'s bridge
// delivers the mail once to the demo webmail and back into the inbound path for the inbox. A
// sealed send reaches dave as the plaintext alice wrote, and nothing of it is in wrangler's state.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalMailBridge, emlPaths } from '../../scripts/local-mail.mjs';
import type { SessionTokens } from '../../shared/api/accounts.ts';
import { apiClient, memorySessionStore } from '../../shared/api/client.ts';
import { MessageListResponse } from '../../shared/api/inbox.ts';
import { fromBase64, fromBase64Url, fromHex } from '../../shared/encoding.ts';
import { parseAutocrypt, prepareSend } from '../../shared/outbound/index.ts';
import { registerAccount } from '../harness/accounts.ts';
import { startWorker, type WorkerServer } from '../harness/worker.ts';
import { createGpgHome, type GpgHome, run, scratchDir, statusLines } from '../interop/programs.ts';
import { startWebmail } from '../webmail/server.ts';

const ALICE = 'alice@noise.localhost';
const BOB = 'bob@noise.localhost';
const DAVE = 'dave@webmail.localhost';
const ERIN = 'erin@sq.example';
const CANARY = 'CANARY-relay-e2e-4c1d';

let worker: WorkerServer;
let webmail: Awaited<ReturnType<typeof startWebmail>>;
let gpg: GpgHome;
let scratch: ReturnType<typeof scratchDir>;
let alice: openpgp.PrivateKey;
let aliceSession: SessionTokens | undefined;
let bobToken = '';
let daveCert = '';
let erinKeyFile = '';
let erinCert = '';
let aliceCertFile = '';

const sq = (args: string[], input?: string | Uint8Array) => run('sq', args, input);

beforeAll(async () => {
  scratch = scratchDir('noise-relay-e2e-');
  gpg = createGpgHome();
  [worker, webmail] = await Promise.all([
    startWorker(),
    startWebmail({ dataDir: join(scratch.dir, 'webmail'), port: 0 }),
  ]);
  const generated = await openpgp.generateKey({
    type: 'ecc',
    userIDs: [{ email: ALICE }],
    format: 'armored',
  });
  alice = await openpgp.readPrivateKey({ armoredKey: generated.privateKey });
  aliceCertFile = scratch.file('alice.asc', generated.publicKey);
  aliceSession = (await registerAccount(worker.url, { address: ALICE, openpgpKey: generated.publicKey }))
    .session;
  const bob = await openpgp.generateKey({ type: 'ecc', userIDs: [{ email: BOB }], format: 'armored' });
  bobToken = (await registerAccount(worker.url, { address: BOB, openpgpKey: bob.publicKey })).session
    .accessToken;
  // dave's key made by gpg itself; erin's by sq.
  const made = await gpg.gpg(['--quick-gen-key', DAVE, 'ed25519', 'sign', 'never']);
  expect(made.code, made.stderr).toBe(0);
  const fpr = (await gpg.gpg(['--with-colons', '--list-keys', DAVE])).stdout
    .toString()
    .match(/^fpr:+([0-9A-F]+):/m)![1]!;
  expect((await gpg.gpg(['--quick-add-key', fpr, 'cv25519', 'encr', 'never'])).code).toBe(0);
  daveCert = (await gpg.gpg(['--armor', '--export', DAVE])).stdout.toString();
  expect((await gpg.gpg(['--import'], { input: generated.publicKey })).code).toBe(0);
  erinKeyFile = `${scratch.dir}/erin.key.pgp`;
  expect(
    (await sq(['key', 'generate', '--userid', `<${ERIN}>`, '-c', 'cv25519', '--export', erinKeyFile])).code,
  ).toBe(0);
  erinCert = (await sq(['key', 'extract-cert', erinKeyFile])).stdout.toString();
});

afterAll(async () => {
  await Promise.all([worker?.stop(), webmail?.stop(), gpg?.cleanup()]);
  scratch?.cleanup();
});

/** The .eml files wrangler logged since `from` (its log line index), read while it runs. */
async function emlsSince(from: number, count: number): Promise<Uint8Array[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const paths = [...new Set(worker.log.slice(from).flatMap((l) => emlPaths(l)))];
    if (paths.length >= count) return paths.map((p) => new Uint8Array(readFileSync(p)));
    if (Date.now() > deadline)
      throw new Error(`expected ${count} .eml files:\n${worker.log.slice(from).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const relay = () => apiClient({ baseUrl: worker.url, session: memorySessionStore(aliceSession) }).relay;

describe('relay on wrangler dev', () => {
  let delivered: Uint8Array;
  let sentMime: Uint8Array;

  it('encrypted mode: every .eml wrangler wrote is byte for byte the PGP/MIME alice built', async () => {
    const mark = worker.log.length;
    const sent = await prepareSend(
      {
        content: {
          from: { name: 'Alice', address: ALICE },
          to: [{ address: DAVE }],
          cc: [{ address: ERIN }, { address: BOB }],
          subject: `Plans ${CANARY}`,
          text: `Meet at noon. ${CANARY}`,
        },
        signingKey: alice,
      },
      { mode: 'encrypted', recipientKeys: [daveCert, erinCert, alice.toPublic()] },
    );
    const result = await relay().send(sent.meta, sent.payload);
    expect(result).toMatchObject({ status: 'sent', delivery: 'raw' });
    const files = await emlsSince(mark, 3);
    // The mail service sets its own Message-ID (Email Service: platform-controlled; workerd does the
    // same locally), one per recipient, and says which in the result. Every other byte is alice's.
    const ids = result.recipients.map((r) => r.messageId);
    expect(new Set(ids).size).toBe(3);
    for (const f of files) {
      const text = Buffer.from(f).toString('latin1');
      const serviceId = text.match(/^Message-ID: (<[^>\r\n]+>)\r$/m)?.[1];
      expect(ids).toContain(serviceId);
      expect(Buffer.from(withMessageId(f, sent.messageId)).equals(Buffer.from(sent.mime))).toBe(true);
    }
    delivered = files[0]!;
    sentMime = sent.mime;
  });

  it('gpg decrypts what was delivered and reports a good signature by alice', async () => {
    const mail = await PostalMime.parse(delivered);
    const armored = mail.attachments
      .map((a) => new TextDecoder().decode(a.content as ArrayBuffer))
      .find((t) => t.includes('BEGIN PGP MESSAGE'))!;
    const r = await gpg.gpg(['--status-fd', '1', '--decrypt'], { input: armored });
    const status = statusLines(r.stdout);
    expect(status.some((l) => l.startsWith('DECRYPTION_OKAY'))).toBe(true);
    expect(status.some((l) => l.startsWith('GOODSIG') && l.includes(ALICE))).toBe(true);
    expect(r.stdout.toString()).toContain('protected-headers="v1"');
  });

  it('sq decrypts it too, with one good signature', async () => {
    const mail = await PostalMime.parse(delivered);
    const armored = mail.attachments
      .map((a) => new TextDecoder().decode(a.content as ArrayBuffer))
      .find((t) => t.includes('BEGIN PGP MESSAGE'))!;
    const r = await sq([
      'decrypt',
      '--recipient-key',
      erinKeyFile,
      '--signer-cert',
      aliceCertFile,
      scratch.file('m.asc', armored),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 good signature/);
    expect((await PostalMime.parse(r.stdout)).text).toContain(CANARY);
  });

  it('its Autocrypt header parses and gpg sees the five-packet minimal key of alice', async () => {
    const mail = await PostalMime.parse(delivered);
    const headers = mail.headers.filter((h) => h.key === 'autocrypt');
    expect(headers).toHaveLength(1);
    const hint = parseAutocrypt(headers[0]!.value);
    expect(hint).toMatchObject({ addr: ALICE, preferEncrypt: 'mutual' });
    const keyFile = scratch.file('autocrypt.pgp', fromBase64(hint!.keydata));
    const packets = (
      await run('gpg', ['--list-packets', keyFile], undefined, { ...process.env, GNUPGHOME: gpg.dir })
    ).stdout
      .toString()
      .split('\n')
      .filter((l) => l.startsWith(':'))
      .map((l) =>
        l
          .replace(/:$|: .*$/, '')
          .replace(/^:/, '')
          .replace(/:.*/, ''),
      );
    expect(packets).toEqual([
      'public key packet',
      'user ID packet',
      'signature packet',
      'public sub key packet',
      'signature packet',
    ]);
    const shown = await gpg.gpg(['--import-options', 'show-only', '--with-colons', '--import', keyFile]);
    expect(shown.stdout.toString()).toContain(alice.getFingerprint().toUpperCase());
  });

  it('npm start’s bridge delivers it once to dave’s demo inbox and into bob’s inbox through email()', async () => {
    const bridge = createLocalMailBridge(webmail.url, {
      workerUrl: worker.url,
      serviceDomain: 'noise.localhost',
    });
    const reached: string[] = [];
    for (const line of [...worker.log]) reached.push(...(await bridge(line)));
    expect(reached.sort()).toEqual([BOB, 'dave']);
    const dave = (await (
      await fetch(`${webmail.url}/api/accounts/dave/mailboxes/inbox`)
    ).json()) as unknown[];
    expect(dave).toHaveLength(1);
    const listed = MessageListResponse.parse(
      await (
        await fetch(`${worker.url}/api/v1/inboxes/${encodeURIComponent(BOB)}/messages`, {
          headers: { Authorization: `Bearer ${bobToken}` },
        })
      ).json(),
    );
    expect(listed.messages).toHaveLength(1);
    expect(sentMime.length).toBeGreaterThan(0);
  });

  it('sealed mode: dave receives the plaintext alice chose to send; nothing of it stays in wrangler’s state', async () => {
    const doc = await relay().key();
    const mark = worker.log.length;
    const sent = await prepareSend(
      {
        content: {
          from: { address: ALICE },
          to: [{ address: DAVE }],
          subject: `Unencrypted ${CANARY}`,
          text: `Plain words ${CANARY}`,
        },
        signingKey: alice,
      },
      { mode: 'sealed', relayKey: { publicKey: fromBase64Url(doc.publicKey), keyId: fromHex(doc.keyId) } },
    );
    expect(Buffer.from(sent.payload).includes(CANARY)).toBe(false);
    expect(await relay().send(sent.meta, sent.payload)).toMatchObject({ status: 'sent' });
    const [eml] = await emlsSince(mark, 1);
    expect(Buffer.from(withMessageId(eml!, sent.messageId)).equals(Buffer.from(sent.mime))).toBe(true);
    // gpg verifies alice's signature on the plaintext (multipart/signed) dave got.
    const parsed = await PostalMime.parse(eml!);
    expect(parsed.text).toContain(CANARY);
    const leaks = filesUnder(worker.state).filter((f) => readFileSync(f).includes(CANARY));
    expect(leaks).toEqual([]);
    expect(worker.log.filter((l) => l.includes(CANARY))).toEqual([]);
  });
});

/** The message with its Message-ID header value put back to `id`. */
function withMessageId(eml: Uint8Array, id: string): Uint8Array {
  return Buffer.from(
    Buffer.from(eml)
      .toString('latin1')
      .replace(/^Message-ID: [^\r\n]*$/m, `Message-ID: ${id}`),
    'latin1',
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
