// Interop with the real Sequoia sq 0.27: stateless, so every key and certificate is passed as a
// file. Both directions, inline and PGP/MIME, for v4 ECC and RSA-3072 keys.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../shared/encoding.ts';
import {
  buildEncryptedMime,
  buildSignedMime,
  decryptMessage,
  encryptMessage,
  type GeneratedKey,
  generateKey,
  type PrivateKey,
  publicKeyOf,
  readKeyInfo,
  signCleartext,
  unlockPrivateKey,
  verifyCleartext,
  verifyDetached,
} from '../../shared/pgp/index.ts';
import { splitEntity } from '../../shared/pgp/mime-slice.ts';
import { readMessage } from '../../shared/reader/index.ts';
import { readMail } from '../../shared/reader/test/mail-view.ts';
import { multipart, part, mail as rawMail } from '../../shared/reader/test/mails.ts';
import { run, runInTerminal, scratchDir } from './programs.ts';
import { encryptedEml, mailTo, mimeParts, OUR_PASS, OURS } from './support.ts';

const THEIRS = { name: 'Carol Sq', email: 'carol@sq.example' };

const sq = (args: string[], input?: string | Uint8Array) => run('sq', args, input);

const mail = () => mailTo(THEIRS, 'Interop with Sequoia ✓', 'Hello sq,\nthis came from openpgp.js.\n');

describe.each([
  ['ecc', 'cv25519'],
  ['rsa3072', 'rsa3k'],
] as const)('sq 0.27 with %s keys', (type, suite) => {
  let scratch: ReturnType<typeof scratchDir>;
  let ours: GeneratedKey;
  let ourKey: PrivateKey;
  let ourCertFile: string;
  let theirKeyFile: string;
  let theirCert: string;

  beforeAll(async () => {
    scratch = scratchDir('noise-sq-');
    theirKeyFile = `${scratch.dir}/carol.key.pgp`;
    const [generated] = await Promise.all([
      generateKey({ userIds: [OURS], passphrase: OUR_PASS, type }),
      (async () => {
        const gen = await sq([
          'key',
          'generate',
          '--userid',
          `${THEIRS.name} <${THEIRS.email}>`,
          '-c',
          suite,
          '--export',
          theirKeyFile,
        ]);
        expect(gen.code, gen.stderr).toBe(0);
        const cert = await sq(['key', 'extract-cert', theirKeyFile]);
        expect(cert.code, cert.stderr).toBe(0);
        theirCert = cert.stdout.toString();
      })(),
    ]);
    ours = generated;
    ourKey = await unlockPrivateKey(ours.privateKey, OUR_PASS);
    ourCertFile = scratch.file('alice.cert.asc', ours.publicKey);
    expect((await readKeyInfo(theirCert)).primary.algorithm).toBe(
      type === 'ecc' ? 'eddsaLegacy' : 'rsaEncryptSign',
    );
  });

  afterAll(() => scratch?.cleanup());

  it('our encrypt+sign (inline armor) → sq decrypts with a good signature', async () => {
    const armored = await encryptMessage('Inline from JS: ✓\n', {
      recipients: [theirCert],
      signingKey: ourKey,
    });
    const msg = scratch.file('inline.asc', armored);
    const r = await sq(['decrypt', '--recipient-key', theirKeyFile, '--signer-cert', ourCertFile, msg]);
    expect(r.code, r.stderr).toBe(0);
    expect(fromUtf8(r.stdout)).toBe('Inline from JS: ✓\n');
    expect(r.stderr).toMatch(/1 good signature/);
    expect(r.stderr).not.toMatch(/bad signature/i);
  });

  it('sq encrypt+sign → our decrypt, valid verdict', async () => {
    const r = await sq(
      ['encrypt', '--recipient-cert', ourCertFile, '--signer-key', theirKeyFile],
      'Hello from sq, ünïcödé\n',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = await decryptMessage(r.stdout.toString(), {
      decryptionKeys: [ourKey],
      verificationKeys: [theirCert],
      from: THEIRS.email,
    });
    expect(fromUtf8(out.data)).toBe('Hello from sq, ünïcödé\n');
    expect(out.verdict).toMatchObject({ encrypted: true, integrityProtected: true, signedBySender: true });
    expect(out.verdict.signatures[0]!.status).toBe('valid');
  });

  it('our PGP/MIME encrypted mail → sq decrypts the part into our inner entity', async () => {
    const eml = await buildEncryptedMime(mail(), { recipients: [theirCert], signingKey: ourKey });
    const parts = mimeParts(eml);
    const msg = scratch.file('mime.asc', splitEntity(parts[1]!).body);
    const r = await sq(['decrypt', '--recipient-key', theirKeyFile, '--signer-cert', ourCertFile, msg]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 good signature/);
    const parsed = await readMail(r.stdout, { decryptionKeys: [] });
    expect(parsed.headers.subject).toBe('Interop with Sequoia ✓');
    expect(parsed.text).toBe('Hello sq,\nthis came from openpgp.js.\n');
  });

  it('our PGP/MIME signed mail → sq verify --detached over the exact first part', async () => {
    const eml = await buildSignedMime(mail(), { signingKey: ourKey });
    const [signed, sigPart] = mimeParts(eml);
    const data = scratch.file('signed-part.eml', signed!);
    const sig = scratch.file('signature.asc', splitEntity(sigPart!).body);
    const r = await sq(['verify', '--signer-cert', ourCertFile, '--detached', sig, data]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 good signature/);
  });

  it('sq PGP/MIME encrypted mail → our .eml parser', async () => {
    const inner = 'Content-Type: text/plain; charset=utf-8\r\n\r\nSequoia says hi.\r\n';
    const enc = await sq(['encrypt', '--recipient-cert', ourCertFile, '--signer-key', theirKeyFile], inner);
    expect(enc.code, enc.stderr).toBe(0);
    const eml = encryptedEml(THEIRS, {
      subject: 'from sq',
      boundary: 'sqb',
      armored: enc.stdout.toString(),
    });
    const parsed = await readMail(eml, { decryptionKeys: [ourKey], verificationKeys: [theirCert] });
    expect(parsed.text.trim()).toBe('Sequoia says hi.');
    expect(parsed.verdict).toMatchObject({
      encrypted: true,
      signedBySender: true,
      partial: { encrypted: false, signed: false },
    });
  });

  it('sq-made mail in the layouts of docs/verdicts.md → the reader says what happened', async () => {
    const enc = await sq(
      ['encrypt', '--recipient-cert', ourCertFile, '--signer-key', theirKeyFile],
      'From sq.\n',
    );
    expect(enc.code, enc.stderr).toBe(0);
    const keys = { decryptionKeys: [ourKey], verificationKeys: [theirCert] };
    const head = [`From: ${THEIRS.name} <${THEIRS.email}>`, `To: ${OURS.email}`, 'Subject: sq layouts'];
    // Exchange's rebuild of PGP/MIME around sq's message.
    const exchange = await readMessage(
      rawMail(
        head,
        'multipart/mixed; boundary=ex',
        multipart('ex', [
          part('text/plain', ' '),
          part('application/pgp-encrypted', 'Version: 1'),
          part('application/octet-stream', enc.stdout.toString().trim()),
        ]),
      ),
      keys,
    );
    expect(exchange.parts.map((p) => p.text)).toEqual(['From sq.\n']);
    expect(exchange.verdict).toMatchObject({ encrypted: true, signedBySender: true });
    // A display name that is the signer's address over another mailbox: ambiguous, not the sender.
    const spoof = await readMessage(
      rawMail(
        [`From: "${THEIRS.email}" <mallory@evil.example>`, `To: ${OURS.email}`],
        'text/plain',
        enc.stdout.toString(),
      ),
      keys,
    );
    expect(spoof.verdict.signedBySender).toBe(false);
    expect(spoof.verdict.warnings.map((w) => w.code)).toContain('sender_ambiguous');
  });

  it('sq cleartext and detached signatures → our verification; our cleartext signature → sq verify', async () => {
    const clear = await sq(
      ['sign', '--cleartext-signature', '--signer-key', theirKeyFile],
      'Signed by Sequoia.\n',
    );
    expect(clear.code, clear.stderr).toBe(0);
    const ok = await verifyCleartext({
      armored: clear.stdout.toString(),
      verificationKeys: [theirCert],
      from: THEIRS.email,
    });
    expect(ok.text.trim()).toBe('Signed by Sequoia.');
    expect(ok.verdict.signedBySender).toBe(true);

    const detached = await sq(['sign', '--detached', '--signer-key', theirKeyFile], 'detached data');
    expect(detached.code, detached.stderr).toBe(0);
    const v = await verifyDetached({
      data: 'detached data',
      signature: detached.stdout.toString(),
      verificationKeys: [theirCert],
    });
    expect(v.signatures[0]!.status).toBe('valid');
    const bad = await verifyDetached({
      data: 'detached dat4',
      signature: detached.stdout.toString(),
      verificationKeys: [theirCert],
    });
    expect(bad.signatures[0]!.status).toBe('invalid');

    const ours2 = await signCleartext('Signed by openpgp.js.', ourKey);
    const r = await sq(['verify', '--signer-cert', ourCertFile, scratch.file('clear.asc', ours2)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 good signature/);
  });

  it('our keys import into sq: inspect shows secret material, and the key decrypts there', async () => {
    const locked = await sq(['inspect', scratch.file('alice.key.asc', ours.privateKey)]);
    expect(locked.code, locked.stderr).toBe(0);
    const lockedText = locked.stdout.toString();
    expect(lockedText).toContain('Transferable Secret Key');
    expect(lockedText).toContain(`Fingerprint: ${ours.fingerprint}`);
    expect(lockedText).toMatch(/Secret key: Encrypted/);
    expect(lockedText).not.toMatch(/Secret key: Unencrypted/);
    const cert = await sq(['inspect', ourCertFile]);
    expect(cert.stdout.toString()).toContain('OpenPGP Certificate');
    expect(cert.stdout.toString()).toContain(`${OURS.name} <${OURS.email}>`);
    // Decrypt in sq with our passphrase-protected key; sq asks for the password on a terminal.
    const toSelf = scratch.file(
      'self.asc',
      await encryptMessage('note to self', { recipients: [], signingKey: ourKey }),
    );
    const keyFile = scratch.file('alice.key.asc', ours.privateKey);
    const outFile = `${scratch.dir}/self.txt`;
    const wrong = await runInTerminal(
      'sq',
      ['decrypt', '--recipient-key', keyFile, '-o', `${outFile}.x`, toSelf],
      'not it\n',
    );
    expect(wrong.code).not.toBe(0);
    const r = await runInTerminal(
      'sq',
      ['decrypt', '--recipient-key', keyFile, '--signer-cert', ourCertFile, '-o', outFile, toSelf],
      `${OUR_PASS}\n`,
    );
    expect(r.code, r.stdout.toString()).toBe(0);
    expect(r.stdout.toString()).toMatch(/1 good signature/);
    expect(readFileSync(outFile, 'utf8')).toBe('note to self');
    expect(await publicKeyOf(ours.privateKey)).toContain('PUBLIC KEY BLOCK');
  });
});
