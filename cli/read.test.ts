// The CLI's reading through shared/reader, as a real process: HTML-only bodies, part markers,
// --from on .eml, verify on PGP/MIME, key files (unprotected, v5, revoked, unreadable) and the
// limits, each with its exit code (cli/exit-codes.ts).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { armor, enums, generateKey as generateRawKey, revokeKey } from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoiseError } from '../shared/errors.ts';
import {
  buildEncryptedMime,
  buildSignedMime,
  generateKey,
  type PrivateKey,
  signCleartext,
  unlockPrivateKey,
} from '../shared/pgp/index.ts';
import { HEAD, literalOnly, mail, multipart, part, pgpMime } from '../shared/reader/test/mails.ts';
import { describeFailure, EXIT } from './exit-codes.ts';
import { noise, split } from './test/run-cli.ts';

let dir: string;
let aliceKey: PrivateKey;
let bobPublic: string;
const p = (name: string) => join(dir, name);
const pw = () => ['--passphrase-file', p('pw')];
const bobArgs = () => ['--key', p('bob.key.asc'), '--verify-with', p('alice.pub.asc'), ...pw()];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'noise-cli-read-'));
  const [alice, bob] = await Promise.all([
    generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }], passphrase: 'pw' }),
    generateKey({ userIds: [{ email: 'bob@example.net' }], passphrase: 'pw' }),
  ]);
  aliceKey = await unlockPrivateKey(alice.privateKey, 'pw');
  bobPublic = bob.publicKey;
  await Promise.all([
    writeFile(p('pw'), 'pw\n'),
    writeFile(p('alice.pub.asc'), alice.publicKey),
    writeFile(p('alice.key.asc'), alice.privateKey),
    writeFile(p('bob.key.asc'), bob.privateKey),
    writeFile(p('bob.pub.asc'), bob.publicKey),
  ]);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const content = (over: Record<string, unknown> = {}) => ({
  from: { name: 'Alice', address: 'alice@example.org' },
  to: [{ address: 'bob@example.net' }],
  subject: 'plans',
  text: '',
  ...over,
});

describe('noise decrypt through the reader', () => {
  it('prints an HTML-only body as text and reports remote content in the JSON', async () => {
    const eml = await buildEncryptedMime(
      content({
        text: undefined,
        html: '<h1>Plans</h1><p>Meet at <b>noon</b>.</p><img src="https://t.example/p.gif">',
      }),
      { recipients: [bobPublic], signingKey: aliceKey },
    );
    const r = await noise(['decrypt', ...bobArgs()], eml);
    expect(r.code, r.stderr).toBe(0);
    const { json, rest } = split(r.stdout);
    expect(rest).toMatch(/PLANS/);
    expect(rest).toMatch(/Meet at noon\./);
    expect((json.verdict as { hasRemoteContent: boolean }).hasRemoteContent).toBe(true);
    expect((json.parts as { type: string; hasRemoteContent: boolean }[])[0]).toMatchObject({
      type: 'html',
      hasRemoteContent: true,
    });
  });

  it('marks where signed text ends: a marker line before each part', async () => {
    const signed = await signCleartext('I owe Mallory nothing.\n', aliceKey);
    const eml = mail(HEAD, 'text/plain; charset=utf-8', `Mallory adds: and I owe him 1000 EUR.\n${signed}`);
    const r = await noise(['decrypt', '--verify-with', p('alice.pub.asc')], eml);
    expect(r.code, r.stderr).toBe(0);
    const { json, rest } = split(r.stdout);
    expect(rest).toBe(
      '--- noise: part 1 of 2: NOT PROTECTED: anyone could have written this ---\nMallory adds: and I owe him 1000 EUR.\n' +
        '--- noise: part 2 of 2: signed by Alice <alice@example.org> (valid) ---\nI owe Mallory nothing.\n',
    );
    expect(json.class).toBe('not-encrypted partly-signed-by-sender');
  });

  it('--from is the sender for an .eml too: a signer who is not it is flagged', async () => {
    const eml = await buildSignedMime(content({ text: 'Wire the money.\n' }), { signingKey: aliceKey });
    const r = await noise(
      ['decrypt', '--verify-with', p('alice.pub.asc'), '--from', 'ceo@bank.example'],
      eml,
    );
    expect(r.code, r.stderr).toBe(0);
    const verdict = split(r.stdout).json.verdict as { signedBySender: boolean; warnings: { code: string }[] };
    expect(verdict.signedBySender).toBe(false);
    expect(verdict.warnings.map((w) => w.code)).toContain('sender_differs');
  });

  it('a literal-only "encrypted" mail: exit 0, shown as not encrypted (claims to be), warned on stderr', async () => {
    const r = await noise(['decrypt', ...bobArgs()], pgpMime(HEAD, await literalOnly('trust me\n')));
    expect(r.code, r.stderr).toBe(0);
    const { json, rest } = split(r.stdout);
    expect(json.class).toBe('claims-encryption unsigned [claims_encryption]');
    expect((json.verdict as { encrypted: boolean }).encrypted).toBe(false);
    expect(rest).toBe('trust me\n');
    expect(r.stderr).toContain('warning: claims_encryption');
  });

  it('too many parts: its own exit code (12), not "tampered", and nothing printed', async () => {
    const raw = mail(
      HEAD,
      'multipart/mixed; boundary=m',
      multipart('m', Array(10_000).fill(part('text/plain', 'x'))),
    );
    const started = performance.now();
    const r = await noise(['decrypt', ...bobArgs()], raw);
    expect(r.code).toBe(EXIT.tooLarge);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/^noise: too_large: more than 1000 MIME parts\n$/);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('unexpected errors stay internal (70); a limit is 12', () => {
    expect(describeFailure(new TypeError('x is undefined')).code).toBe(EXIT.internal);
    expect(describeFailure(new NoiseError('too_large', 'x')).code).toBe(EXIT.tooLarge);
  });
});

describe('noise verify through the reader', () => {
  it('verifies a PGP/MIME .eml; a valid signer who is not --from exits 13', async () => {
    const eml = await buildSignedMime(content({ text: 'Signed.\n' }), { signingKey: aliceKey });
    const ok = await noise(['verify', '--with', p('alice.pub.asc')], eml);
    expect(ok.code, ok.stderr).toBe(0);
    expect(split(ok.stdout).json.signedBySender).toBe(true);
    expect(split(ok.stdout).rest).toBe('Signed.\n');
    const other = await noise(['verify', '--with', p('alice.pub.asc'), '--from', 'ceo@bank.example'], eml);
    expect(other.code).toBe(EXIT.signerMismatch);
    const unsigned = await noise(['verify', '--with', p('alice.pub.asc')], mail(HEAD, 'text/plain', 'hi'));
    expect(unsigned.code).toBe(EXIT.malformed);
  });
});

describe('key files', () => {
  it('an unprotected secret key needs no passphrase (as with gpg)', async () => {
    const { privateKey } = await generateRawKey({
      userIDs: [{ email: 'open@example.net' }],
      format: 'armored',
    });
    await writeFile(p('open.key.asc'), privateKey);
    const enc = await noise(['encrypt', '--to', p('open.key.asc')], 'no passphrase\n');
    expect(enc.code, enc.stderr).toBe(0);
    const dec = await noise(['decrypt', '--key', p('open.key.asc')], enc.stdout, { NOISE_PASSPHRASE: '' });
    expect(dec.code, dec.stderr).toBe(0);
    expect(split(dec.stdout).rest).toBe('no passphrase\n');
  });

  it('a v5 key is "unsupported" (10), naming the file', async () => {
    // RFC 4880bis v5 public key packet: version 5, time, EdDSA, 4-octet key material length.
    const oid = [0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01];
    const material = [...oid, 0x01, 0x07, 0x40, ...new Array(32).fill(7)];
    const body = [0x05, 0x60, 0x00, 0x00, 0x00, 22, 0, 0, 0, material.length, ...material];
    const packet = new Uint8Array([0xc6, body.length, ...body]);
    await writeFile(p('v5.pub.asc'), armor(enums.armor.publicKey, packet));
    const r = await noise(['decrypt', '--verify-with', p('v5.pub.asc')], 'x');
    expect(r.code).toBe(EXIT.unsupported);
    expect(r.stderr).toContain('v5.pub.asc');
    expect(r.stderr).toContain('v5 keys (LibrePGP) are not supported');
  });

  it('signing with a revoked key is "key unusable" (7), not an internal error', async () => {
    const { privateKey } = await revokeKey({ key: aliceKey, format: 'armored' });
    await writeFile(p('revoked.key.asc'), privateKey);
    const r = await noise(['sign', '--key', p('revoked.key.asc')], 'x');
    expect(r.code, r.stderr).toBe(EXIT.keyUnusable);
    expect(r.stderr).toMatch(/key_unusable: .*cannot sign/);
  });

  it('an unreadable --verify-with file is named', async () => {
    await writeFile(p('garbage.asc'), 'not a key at all');
    const garbage = await noise(['decrypt', '--verify-with', p('garbage.asc')], 'x');
    expect(garbage.code).toBe(EXIT.malformed);
    expect(garbage.stderr).toContain('garbage.asc');
    const folder = await noise(['decrypt', '--verify-with', dir], 'x');
    expect(folder.code).toBe(EXIT.usage);
    expect(folder.stderr).toContain(dir);
  });
});
