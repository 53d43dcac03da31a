// The verdict rules of docs/verdicts.md, each attacked with a hand-written layout around real
// OpenPGP data: sender identity, mbox framing, armor in HTML, Exchange's PGP/MIME, stripped and
// misdated signatures, forwarded messages, nested encryption, literal-only "encryption".

import type { PrivateKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { isNoiseError } from '../errors.ts';
import { encryptMessage } from '../pgp/encrypt.ts';
import { type GeneratedKey, generateKey, unlockPrivateKey } from '../pgp/keys.ts';
import { buildSignedMime } from '../pgp/mime-build.ts';
import { signCleartext, signDetached } from '../pgp/signatures.ts';
import { readMessage } from './read-message.ts';
import { HEAD, literalOnly, mail, multipart, part, pgpMime } from './test/mails.ts';
import { verdictClass } from './verdict-class.ts';

let alice: GeneratedKey;
let bob: GeneratedKey;
let carol: GeneratedKey;
let aliceKey: PrivateKey;
let bobKey: PrivateKey;
let carolKey: PrivateKey;

beforeAll(async () => {
  [alice, bob, carol] = await Promise.all([
    generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }], passphrase: 'a' }),
    generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.net' }], passphrase: 'b' }),
    generateKey({ userIds: [{ email: 'carol@example.com' }], passphrase: 'c' }),
  ]);
  [aliceKey, bobKey, carolKey] = await Promise.all([
    unlockPrivateKey(alice.privateKey, 'a'),
    unlockPrivateKey(bob.privateKey, 'b'),
    unlockPrivateKey(carol.privateKey, 'c'),
  ]);
});

const keys = () => ({ decryptionKeys: [bobKey], verificationKeys: [alice.publicKey, carol.publicKey] });
const read = (raw: string) => readMessage(raw, keys());
const codes = (r: Awaited<ReturnType<typeof read>>) => r.verdict.warnings.map((w) => w.code);
const toAlice = (text: string) => encryptMessage(text, { recipients: [bob.publicKey], signingKey: aliceKey });

async function signedByAlice(text: string, headers = HEAD): Promise<string> {
  return mail(headers, 'text/plain; charset=utf-8', await signCleartext(text, aliceKey));
}

describe('sender identity ("Johnny, you are fired" §4)', () => {
  it('one clear From: signed by the sender', async () => {
    const r = await read(await signedByAlice('Pay the invoice.\n'));
    expect(r.verdict.signedBySender).toBe(true);
    expect(codes(r)).toEqual([]);
  });

  it('a From of two mailboxes, two From fields, or a display name that is another address: ambiguous', async () => {
    const layouts = [
      [
        'From: Alice <alice@example.org>, Mallory <mallory@evil.example>',
        'To: bob@example.net',
        'Subject: x',
      ],
      ['From: Mallory <mallory@evil.example>', 'From: Alice <alice@example.org>', 'To: bob@example.net'],
      ['From: "alice@example.org" <mallory@evil.example>', 'To: bob@example.net'],
      ['From: "alice@example.org" <alice@example.org>, mallory@evil.example', 'To: bob@example.net'],
    ];
    const reasons = [];
    for (const headers of layouts) {
      const r = await read(await signedByAlice('Pay the invoice.\n', headers));
      expect(r.verdict.signedBySender, headers.join(' / ')).toBe(false);
      // The signer is still named; only the sender is in doubt.
      expect(r.verdict.signatures[0]).toMatchObject({
        status: 'valid',
        signerUserIds: ['Alice <alice@example.org>'],
      });
      const w = r.verdict.warnings.find((x) => x.code === 'sender_ambiguous');
      expect(w, headers.join(' / ')).toBeDefined();
      reasons.push(w!.reason);
    }
    expect(reasons.slice(0, 3)).toEqual([
      'several_mailboxes',
      'several_from_headers',
      'display_name_address',
    ]);
    // A display name that is the same address is no trick.
    const same = await read(await signedByAlice('x\n', ['From: "alice@example.org" <alice@example.org>']));
    expect(same.verdict.signedBySender).toBe(true);
  });

  it('an address the caller shows (webmail, --from) is what the signer is checked against', async () => {
    const r = await readMessage(await signedByAlice('x\n'), keys(), { displayedSender: 'ceo@bank.example' });
    expect(r.verdict.signedBySender).toBe(false);
    expect(r.verdict.signatures[0]!.signerMatchesFrom).toBe(false);
    expect(r.verdict.warnings).toContainEqual({
      code: 'sender_differs',
      shown: 'ceo@bank.example',
      mailFrom: 'alice@example.org',
    });
  });
});

describe('input framing', () => {
  it('a mail in mbox framing is read as a mail, its signature checked', async () => {
    const eml = await buildSignedMime(
      {
        from: { address: 'alice@example.org' },
        to: [{ address: 'bob@example.net' }],
        subject: 's',
        text: 'From here on.\n',
      },
      { signingKey: aliceKey },
    );
    const r = await read(`From alice@example.org Mon Dec  7 10:00:00 2026\n${eml}`);
    expect(r.source).toBe('mbox');
    expect(r.verdict.signedBySender).toBe(true);
    expect(r.parts.map((p) => p.text)).toEqual(['From here on.\n']);
  });
});

describe('encryption is what the OpenPGP layer did', () => {
  it('a literal-only "PGP MESSAGE", in PGP/MIME or inline, is "not encrypted (claims to be)"', async () => {
    const fake = await literalOnly('Your account is locked, click here.\n');
    for (const raw of [pgpMime(HEAD, fake), mail(HEAD, 'text/plain', fake)]) {
      const r = await read(raw);
      expect(r.verdict).toMatchObject({ encrypted: false, integrityProtected: false });
      expect(r.parts[0]!.protection).toMatchObject({ encrypted: false, claimsEncryption: true });
      expect(codes(r)).toContain('claims_encryption');
      expect(verdictClass(r.verdict)).toBe('claims-encryption unsigned [claims_encryption]');
    }
  });

  it('an encrypted block in the text/html part of multipart/mixed is found and opened', async () => {
    const armored = await toAlice('Hidden in HTML.\n');
    const html = `<div>${armored.trim().split('\n').join('<br>\n')}</div>`;
    const raw = mail(
      HEAD,
      'multipart/mixed; boundary=m',
      multipart('m', [part('text/html; charset=utf-8', html)]),
    );
    const r = await read(raw);
    expect(r.parts.map((p) => [p.text, p.protection.encrypted])).toEqual([['Hidden in HTML.\n', true]]);
    expect(r.verdict).toMatchObject({ encrypted: true, signedBySender: true });
  });

  it('a block the reader cannot open is never "not encrypted": the read fails with no plaintext', async () => {
    const forCarol = await encryptMessage('not for bob', { recipients: [carol.publicKey] });
    const raw = mail(HEAD, 'text/plain', `Hi Bob, see below.\n${forCarol}`);
    const e = await read(raw).catch((x: unknown) => x);
    expect(isNoiseError(e, 'not_for_me')).toBe(true);
  });

  it('Exchange-mangled PGP/MIME is put back and decrypted, as Thunderbird and gpg do', async () => {
    const armored = await toAlice('Through Exchange.\n');
    const raw = mail(
      HEAD,
      'multipart/mixed; boundary="ex"',
      multipart('ex', [
        part('text/plain; charset="us-ascii"', ''),
        part('application/pgp-encrypted', 'Version: 1', ['Content-Disposition: attachment']),
        part('application/octet-stream; name="encrypted.asc"', armored.trim(), [
          'Content-Disposition: attachment; filename="encrypted.asc"',
        ]),
      ]),
    );
    const r = await read(raw);
    expect(r.parts.map((p) => p.text)).toEqual(['Through Exchange.\n']);
    expect(r.parts[0]!.protection).toMatchObject({ encrypted: true, repaired: 'exchange' });
    expect(r.verdict).toMatchObject({
      encrypted: true,
      signedBySender: true,
      partial: { encrypted: false, signed: false },
    });
  });

  it('encryption nested in a mixed outer layer is decrypted and marked partial and nested', async () => {
    const armored = await toAlice('Inner secret.\n');
    const raw = mail(
      HEAD,
      'multipart/mixed; boundary=o',
      multipart('o', [
        part('text/plain', 'Mallory wrote this.'),
        `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=i\r\n\r\n${multipart(
          'i',
          [part('application/pgp-encrypted', 'Version: 1'), part('application/octet-stream', armored.trim())],
        )}`,
      ]),
    );
    const r = await read(raw);
    expect(r.parts.map((p) => [p.text.trim(), p.protection.encrypted])).toEqual([
      ['Mallory wrote this.', false],
      ['Inner secret.', true],
    ]);
    expect(r.verdict.partial).toEqual({ encrypted: true, signed: true });
    expect(codes(r)).toContain('nested_encryption');
  });
});

describe('signatures', () => {
  it('a multipart/signed whose signature part was stripped shows the text with "signature missing"', async () => {
    const raw = mail(
      HEAD,
      'multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256; boundary=s',
      multipart('s', [part('text/plain', 'Signed, they say.')]),
    );
    const r = await read(raw);
    expect(r.parts.map((p) => p.text)).toEqual(['Signed, they say.']);
    expect(r.parts[0]!.protection.signatureMissing).toBe(true);
    expect(r.verdict.signedBySender).toBe(false);
    expect(verdictClass(r.verdict)).toBe('not-encrypted signature-missing [signature_missing]');
  });

  it('a signature far from the Date is flagged with both times', async () => {
    // A message signed now, re-sent under an old Date (or an old one under a new Date).
    const signed = await toAlice('Old news.\n');
    const r = await read(mail([...HEAD, 'Date: Fri, 01 Mar 2019 10:00:00 +0000'], 'text/plain', signed));
    const w = r.verdict.warnings.find((x) => x.code === 'signature_time');
    expect(w?.date).toEqual(new Date('2019-03-01T10:00:00Z'));
    expect(Math.abs(w!.signed!.getTime() - Date.now())).toBeLessThan(60_000);
    const fresh = await read(mail([...HEAD, `Date: ${new Date().toUTCString()}`], 'text/plain', signed));
    expect(codes(fresh)).not.toContain('signature_time');
  });

  it('signatures in a forwarded message/rfc822 belong to the forwarded part, not to the mail', async () => {
    const carolSigned = await signCleartext('Carol agrees.\n', carolKey);
    const forwarded = mail(['From: carol@example.com', 'Subject: deal'], 'text/plain', carolSigned);
    const raw = mail(
      ['From: Mallory <mallory@evil.example>', 'To: bob@example.net', 'Subject: Fwd: deal'],
      'multipart/mixed; boundary=f',
      multipart('f', [part('text/plain', 'See below.'), part('message/rfc822', forwarded)]),
    );
    const r = await read(raw);
    // The mail itself carries no signature; the forwarded part carries carol's, matched to carol.
    expect(r.verdict.signatures).toEqual([]);
    expect(r.verdict.signedBySender).toBe(false);
    const fwd = r.parts.find((p) => p.forwarded)!;
    expect(fwd.forwarded).toMatchObject({ depth: 1, from: { address: 'carol@example.com' } });
    expect(fwd.protection.signatures[0]).toMatchObject({ status: 'valid', signerMatchesFrom: true });
  });

  it('repaired signed text never yields valid, and the verdict says the original could not be checked', async () => {
    const clear = await signCleartext('Transfer 100 EUR.\n', aliceKey);
    // Webmail damage the detector can undo (NBSP in the markers and the text): never undone for signatures.
    const damaged = clear.replace(/ /g, '\u00a0');
    const r = await read(mail(HEAD, 'text/plain; charset=utf-8', damaged));
    expect(r.verdict.signatures[0]!.status).toBe('invalid');
    expect(r.parts[0]!.protection.signedTextDamaged).toBe(true);
    expect(codes(r)).toContain('signed_text_damaged');
  });

  it('a detached signature over another text does not cover the text shown', async () => {
    const { signature } = await signDetached('Content-Type: text/plain\r\n\r\nOriginal.', aliceKey);
    const raw = mail(
      HEAD,
      'multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256; boundary=s',
      multipart('s', [part('text/plain', 'Changed.'), part('application/pgp-signature', String(signature))]),
    );
    const r = await read(raw);
    expect(r.verdict.signatures[0]!.status).toBe('invalid');
    expect(r.verdict.signedBySender).toBe(false);
  });
});

describe('errors keep their nature', () => {
  it('a bug below the reader stays what it is: never turned into "malformed" or "tampered"', async () => {
    const armored = await toAlice('x');
    const bug = new TypeError('keys is undefined');
    const e = await readMessage(armored, {
      decryptionKeys: async () => {
        throw bug;
      },
    }).catch((x: unknown) => x);
    expect(e).toBe(bug);
  });
});
