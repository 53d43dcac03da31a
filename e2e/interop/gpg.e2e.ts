// Interop with the real GnuPG 2.2: our output in, their output out, inline and PGP/MIME, for
// v4 ECC (Ed25519/Cv25519) and RSA-3072 keys. Every gpg runs in a throwaway GNUPGHOME.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  readKeyInfo,
  signCleartext,
  unlockPrivateKey,
  verifyCleartext,
} from '../../shared/pgp/index.ts';
import { splitEntity } from '../../shared/pgp/mime-slice.ts';
import { readMessage } from '../../shared/reader/index.ts';
import { readMail } from '../../shared/reader/test/mail-view.ts';
import { multipart, part, pgpMime, mail as rawMail } from '../../shared/reader/test/mails.ts';
import { createGpgHome, type GpgHome, statusLines } from './programs.ts';
import { encryptedEml, mailTo, mimeParts, OUR_PASS, OURS } from './support.ts';

const GPG_PASS = 'gpg passphrase';
const THEIRS = { name: 'Bob Gpg', email: 'bob@gpg.example' };

const mail = () => mailTo(THEIRS, 'Interop: Grüße aus JS', 'Hello gpg,\nthis came from openpgp.js.\n');

describe.each(['ecc', 'rsa3072'] as const)('gpg 2.2 with %s keys', (type) => {
  let home: GpgHome;
  let ours: GeneratedKey;
  let ourKey: PrivateKey;
  let theirFpr: string;
  let theirPublic: string;

  beforeAll(async () => {
    home = createGpgHome();
    const [generated] = await Promise.all([
      generateKey({ userIds: [OURS], passphrase: OUR_PASS, type }),
      (async () => {
        const uid = `${THEIRS.name} <${THEIRS.email}>`;
        const [primary, sub] = type === 'ecc' ? ['ed25519', 'cv25519'] : ['rsa3072', 'rsa3072'];
        const gen = await home.gpg(['--quick-gen-key', uid, primary, 'sign,cert', 'never'], {
          passphrase: GPG_PASS,
        });
        expect(gen.code, gen.stderr).toBe(0);
        const list = await home.gpg(['--with-colons', '--list-keys', uid]);
        theirFpr = /^fpr:+([0-9A-F]{40}):/m.exec(list.stdout.toString())![1]!;
        const add = await home.gpg(['--quick-add-key', theirFpr, sub, 'encr', 'never'], {
          passphrase: GPG_PASS,
        });
        expect(add.code, add.stderr).toBe(0);
        theirPublic = (await home.gpg(['--armor', '--export', theirFpr])).stdout.toString();
      })(),
    ]);
    ours = generated;
    const info = await readKeyInfo(ours.publicKey);
    expect(info.version).toBe(4);
    expect(type === 'ecc' ? info.primary.curve : info.primary.bits).toBe(
      type === 'ecc' ? 'ed25519Legacy' : 3072,
    );
    ourKey = await unlockPrivateKey(ours.privateKey, OUR_PASS);
    const imported = await home.gpg(['--import'], { input: ours.publicKey });
    expect(imported.code, imported.stderr).toBe(0);
  });

  afterAll(async () => {
    await home?.cleanup();
  });

  async function gpgDecrypt(input: string | Uint8Array, passphrase = GPG_PASS) {
    const out = join(home.dir, `plain-${Math.random().toString(36).slice(2)}`);
    const r = await home.gpg(['--status-fd', '1', '--output', out, '--decrypt'], { input, passphrase });
    const status = statusLines(r.stdout);
    return { r, status, plaintext: r.code === 0 ? readFileSync(out) : null };
  }

  it('our encrypt+sign (inline armor) → gpg decrypts, GOODSIG', async () => {
    const armored = await encryptMessage('Inline from JS: ✓\n', {
      recipients: [theirPublic],
      signingKey: ourKey,
    });
    const { r, status, plaintext } = await gpgDecrypt(armored);
    expect(r.code, r.stderr).toBe(0);
    expect(status).toContain('DECRYPTION_OKAY');
    expect(status.some((s) => s.startsWith('GOODSIG '))).toBe(true);
    expect(status.some((s) => s.startsWith(`VALIDSIG ${ours.fingerprint} `))).toBe(true);
    expect(status.some((s) => s.startsWith('BADSIG'))).toBe(false);
    expect(fromUtf8(plaintext!)).toBe('Inline from JS: ✓\n');
  });

  it('gpg encrypt+sign → our decrypt, valid verdict', async () => {
    const r = await home.gpg(
      ['--armor', '--local-user', theirFpr, '--recipient', ours.fingerprint, '--sign', '--encrypt'],
      { input: 'Hello from gpg, ünïcödé\n', passphrase: GPG_PASS },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = await decryptMessage(r.stdout.toString(), {
      decryptionKeys: [ourKey],
      verificationKeys: [theirPublic],
      from: THEIRS.email,
    });
    expect(fromUtf8(out.data)).toBe('Hello from gpg, ünïcödé\n');
    expect(out.verdict).toMatchObject({ encrypted: true, integrityProtected: true, signedBySender: true });
    expect(out.verdict.signatures[0]).toMatchObject({ status: 'valid', signerFingerprint: theirFpr });
  });

  it('our PGP/MIME encrypted mail → gpg decrypts the part into our inner entity', async () => {
    const eml = await buildEncryptedMime(mail(), { recipients: [theirPublic], signingKey: ourKey });
    const parts = mimeParts(eml);
    expect(fromUtf8(parts[0]!)).toContain('Version: 1');
    const armored = fromUtf8(splitEntity(parts[1]!).body);
    const { r, status, plaintext } = await gpgDecrypt(armored);
    expect(r.code, r.stderr).toBe(0);
    expect(status).toContain('DECRYPTION_OKAY');
    expect(status.some((s) => s.startsWith(`VALIDSIG ${ours.fingerprint} `))).toBe(true);
    const inner = fromUtf8(plaintext!);
    expect(inner).toMatch(/protected-headers="v1"/);
    const parsed = await readMail(inner, { decryptionKeys: [] });
    expect(parsed.headers.subject).toBe('Interop: Grüße aus JS');
    expect(parsed.text).toBe('Hello gpg,\nthis came from openpgp.js.\n');
  });

  it('our PGP/MIME signed mail → gpg --verify over the exact first part', async () => {
    const eml = await buildSignedMime(mail(), { signingKey: ourKey });
    const [signed, sigPart] = mimeParts(eml);
    const dataPath = home.file('signed-part.eml', signed!);
    const sigPath = home.file('signature.asc', splitEntity(sigPart!).body);
    const r = await home.gpg(['--status-fd', '1', '--verify', sigPath, dataPath]);
    expect(r.code, r.stderr).toBe(0);
    expect(statusLines(r.stdout).some((s) => s.startsWith(`VALIDSIG ${ours.fingerprint} `))).toBe(true);
  });

  it('gpg PGP/MIME encrypted mail → our .eml parser', async () => {
    const inner = [
      'Content-Type: text/plain; charset=utf-8; protected-headers="v1"',
      'Subject: Secret plans from gpg',
      `From: ${THEIRS.name} <${THEIRS.email}>`,
      'Content-Transfer-Encoding: 8bit',
      '',
      'Plans: none yet.',
      '',
    ].join('\r\n');
    const enc = await home.gpg(
      ['--armor', '--local-user', theirFpr, '--recipient', ours.fingerprint, '--sign', '--encrypt'],
      { input: inner, passphrase: GPG_PASS },
    );
    expect(enc.code, enc.stderr).toBe(0);
    const eml = encryptedEml(THEIRS, {
      subject: '[...]',
      boundary: 'gpgb',
      armored: enc.stdout.toString(),
      fileName: 'encrypted.asc',
    });
    const parsed = await readMail(eml, { decryptionKeys: [ourKey], verificationKeys: [theirPublic] });
    expect(parsed.text.trim()).toBe('Plans: none yet.');
    expect(parsed.headers.subject).toBe('Secret plans from gpg');
    expect(parsed.verdict).toMatchObject({ encrypted: true, signedBySender: true, subjectProtected: true });
  });

  it('gpg multipart/signed mail → our .eml parser', async () => {
    const part = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nSigned by gpg.\r\n';
    const sig = await home.gpg(['--armor', '--local-user', theirFpr, '--detach-sign'], {
      input: part,
      passphrase: GPG_PASS,
    });
    expect(sig.code, sig.stderr).toBe(0);
    const eml = [
      `From: ${THEIRS.email}`,
      `To: ${OURS.email}`,
      'Subject: signed',
      'MIME-Version: 1.0',
      'Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="s1"',
      '',
      '--s1',
      part.replace(/\r\n$/, ''),
      '',
      '--s1',
      'Content-Type: application/pgp-signature',
      '',
      sig.stdout.toString().replace(/\r?\n/g, '\r\n').trimEnd(),
      '--s1--',
      '',
    ].join('\r\n');
    const parsed = await readMail(eml, { decryptionKeys: [], verificationKeys: [theirPublic] });
    expect(parsed.verdict.signatures[0]).toMatchObject({ status: 'valid', signerFingerprint: theirFpr });
    expect(parsed.verdict.signedBySender).toBe(true);
    expect(parsed.text.trim()).toBe('Signed by gpg.');
  });

  it('gpg sign-then-encrypt (RFC 3156 §6.1) and gpg inline armor in a text/plain body → our .eml parser', async () => {
    const part = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nNested layers.\r\n';
    const sig = await home.gpg(['--armor', '--local-user', theirFpr, '--detach-sign'], {
      input: part,
      passphrase: GPG_PASS,
    });
    expect(sig.code, sig.stderr).toBe(0);
    const signedEntity = [
      'Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="in"',
      '',
      '--in',
      // The line break before the delimiter belongs to it (RFC 2046 §5.1.1): keep the part's own.
      part,
      '--in',
      'Content-Type: application/pgp-signature',
      '',
      sig.stdout.toString().replace(/\r?\n/g, '\r\n').trimEnd(),
      '--in--',
      '',
    ].join('\r\n');
    const enc = await home.gpg(['--armor', '--recipient', ours.fingerprint, '--encrypt'], {
      input: signedEntity,
    });
    expect(enc.code, enc.stderr).toBe(0);
    const head = `From: ${THEIRS.email}\r\nTo: ${OURS.email}\r\nSubject: layered\r\nMIME-Version: 1.0\r\n`;
    const eml = `${head}Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="out"\r\n\r\n--out\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--out\r\nContent-Type: application/octet-stream\r\n\r\n${enc.stdout.toString().replace(/\r?\n/g, '\r\n').trimEnd()}\r\n--out--\r\n`;
    const layered = await readMail(eml, { decryptionKeys: [ourKey], verificationKeys: [theirPublic] });
    expect(layered.text.trim()).toBe('Nested layers.');
    expect(layered.verdict).toMatchObject({
      encrypted: true,
      signedBySender: true,
      partial: { encrypted: false, signed: false },
    });

    const inline = await home.gpg(
      ['--armor', '--local-user', theirFpr, '--recipient', ours.fingerprint, '--sign', '--encrypt'],
      {
        input: 'Inline from gpg.\n',
        passphrase: GPG_PASS,
      },
    );
    const inlineEml = `${head}Content-Type: text/plain; charset=us-ascii\r\n\r\n${inline.stdout.toString().replace(/\r?\n/g, '\r\n')}`;
    const parsed = await readMail(inlineEml, { decryptionKeys: [ourKey], verificationKeys: [theirPublic] });
    expect(parsed.text.trim()).toBe('Inline from gpg.');
    expect(parsed.verdict).toMatchObject({
      encrypted: true,
      signedBySender: true,
      partial: { encrypted: false, signed: false },
    });
  });

  it('gpg-made mail in the layouts of docs/verdicts.md → the reader says what happened', async () => {
    const head = [`From: ${THEIRS.name} <${THEIRS.email}>`, `To: ${OURS.email}`, 'Subject: layouts'];
    const keys = { decryptionKeys: [ourKey], verificationKeys: [theirPublic] };
    const gpgOut = async (args: string[], input: string) => {
      const r = await home.gpg(args, { input, passphrase: GPG_PASS });
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.toString();
    };
    const codes = (r: Awaited<ReturnType<typeof readMessage>>) => r.verdict.warnings.map((w) => w.code);

    // gpg --store: a literal data packet armored as "PGP MESSAGE", in multipart/encrypted.
    const literal = await readMessage(
      pgpMime(head, await gpgOut(['--armor', '--store', '-z', '0'], 'Not secret.\n')),
      keys,
    );
    expect(literal.verdict).toMatchObject({ encrypted: false, integrityProtected: false });
    expect(codes(literal)).toContain('claims_encryption');

    // Exchange's rebuild of gpg's PGP/MIME, put back and decrypted.
    const encrypted = await gpgOut(
      ['--armor', '--local-user', theirFpr, '--recipient', OURS.email, '--sign', '--encrypt'],
      'Through Exchange.\n',
    );
    const exchange = await readMessage(
      rawMail(
        head,
        'multipart/mixed; boundary=ex',
        multipart('ex', [
          part('text/plain; charset=us-ascii', ''),
          part('application/pgp-encrypted', 'Version: 1'),
          part('application/octet-stream; name="encrypted.asc"', encrypted.trim()),
        ]),
      ),
      keys,
    );
    expect(exchange.parts.map((p) => p.text)).toEqual(['Through Exchange.\n']);
    expect(exchange.verdict).toMatchObject({ encrypted: true, signedBySender: true });

    // The same encrypted block in the text/html part of multipart/mixed.
    const html = await readMessage(
      rawMail(
        head,
        'multipart/mixed; boundary=h',
        multipart('h', [part('text/html', `<pre>${encrypted}</pre>`)]),
      ),
      keys,
    );
    expect(html.verdict).toMatchObject({ encrypted: true, signedBySender: true });

    // gpg's multipart/signed with the signature part stripped on the way.
    const signedPart = 'Content-Type: text/plain\r\n\r\nSigned, they say.';
    await gpgOut(['--armor', '--local-user', theirFpr, '--detach-sign'], signedPart);
    const stripped = await readMessage(
      rawMail(
        head,
        'multipart/signed; protocol="application/pgp-signature"; boundary=s',
        multipart('s', [signedPart]),
      ),
      keys,
    );
    expect(codes(stripped)).toContain('signature_missing');
    expect(stripped.verdict.signedBySender).toBe(false);

    // A gpg signature made now, under a Date of 2019 (an old mail's date on a new signature, or
    // the other way round: both are far apart).
    const now = await gpgOut(['--local-user', theirFpr, '--clearsign'], 'Old news.\n');
    const dated = await readMessage(
      rawMail([...head, 'Date: Fri, 01 Mar 2019 10:00:00 +0000'], 'text/plain', now),
      keys,
    );
    const w = dated.verdict.warnings.find((x) => x.code === 'signature_time');
    expect(w?.date).toEqual(new Date('2019-03-01T10:00:00Z'));
    expect(Math.abs(w!.signed!.getTime() - Date.now())).toBeLessThan(120_000);

    // gpg's signed mail forwarded by someone else: the signature is the forwarded part's.
    const clear = await gpgOut(['--local-user', theirFpr, '--clearsign'], 'I agree.\n');
    const fwd = await readMessage(
      rawMail(
        ['From: mallory@evil.example', `To: ${OURS.email}`, 'Subject: Fwd'],
        'multipart/mixed; boundary=f',
        multipart('f', [
          part('text/plain', 'FYI'),
          part('message/rfc822', rawMail(head, 'text/plain', clear)),
        ]),
      ),
      keys,
    );
    expect(fwd.verdict.signatures).toEqual([]);
    expect(fwd.parts.find((p) => p.forwarded)?.protection.signatures[0]).toMatchObject({
      status: 'valid',
      signerMatchesFrom: true,
    });

    // The same signed text under a From of two mailboxes: the sender is ambiguous.
    const two = await readMessage(
      rawMail([`From: ${THEIRS.email}, mallory@evil.example`, `To: ${OURS.email}`], 'text/plain', clear),
      keys,
    );
    expect(two.verdict.signedBySender).toBe(false);
    expect(codes(two)).toContain('sender_ambiguous');
  });

  it('cleartext signatures both ways', async () => {
    const ourClear = await signCleartext('Signed by openpgp.js.\nSecond line.', ourKey);
    const v = await home.gpg(['--status-fd', '1', '--verify'], { input: ourClear });
    expect(v.code, v.stderr).toBe(0);
    expect(statusLines(v.stdout).some((s) => s.startsWith(`VALIDSIG ${ours.fingerprint} `))).toBe(true);

    const theirClear = await home.gpg(['--local-user', theirFpr, '--clearsign'], {
      input: 'Signed by gpg.\n',
      passphrase: GPG_PASS,
    });
    expect(theirClear.code, theirClear.stderr).toBe(0);
    const ok = await verifyCleartext({
      armored: theirClear.stdout.toString(),
      verificationKeys: [theirPublic],
      from: THEIRS.email,
    });
    expect(ok.text.trim()).toBe('Signed by gpg.');
    expect(ok.verdict.signatures[0]).toMatchObject({
      status: 'valid',
      signerFingerprint: theirFpr,
      signerMatchesFrom: true,
    });
    const edited = theirClear.stdout.toString().replace('Signed by gpg.', 'Signed by gpg!');
    const bad = await verifyCleartext({
      armored: edited,
      verificationKeys: [theirPublic],
      from: THEIRS.email,
    });
    expect(bad.verdict.signatures[0]!.status).toBe('invalid');
  });

  it('our secret key imports into gpg and decrypts there', async () => {
    const imp = await home.gpg(['--import'], { input: ours.privateKey, passphrase: OUR_PASS });
    expect(imp.code, imp.stderr).toBe(0);
    const list = await home.gpg(['--with-colons', '--list-secret-keys', ours.fingerprint]);
    expect(list.code).toBe(0);
    expect(list.stdout.toString()).toMatch(/^sec:/m);
    expect(list.stdout.toString()).toMatch(/^ssb:/m);
    expect(list.stdout.toString()).toContain(`fpr:::::::::${ours.fingerprint}:`);
    const toSelf = await encryptMessage('note to self', { recipients: [], signingKey: ourKey });
    const { r, status, plaintext } = await gpgDecrypt(toSelf, OUR_PASS);
    expect(r.code, r.stderr).toBe(0);
    expect(status).toContain('DECRYPTION_OKAY');
    expect(fromUtf8(plaintext!)).toBe('note to self');
  });
});
