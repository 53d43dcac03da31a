// parseEml on inline armor that went through webmail: real openpgp.js messages, damaged the way
// webmail damages text (shared/armor/test/damage.ts), then read back from a whole .eml.
import fc from 'fast-check';
import type { PrivateKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { findArmor } from '../armor/index.ts';
import {
  arbitraryDamage,
  htmlEscaped,
  lineEndings,
  oddSpaces,
  quote,
  quotedPrintable,
  trailingBlanks,
} from '../armor/test/damage.ts';
import { encryptMessage } from '../pgp/encrypt.ts';
import { type GeneratedKey, generateKey, unlockPrivateKey } from '../pgp/keys.ts';
import { signCleartext, verifyCleartext } from '../pgp/signatures.ts';
import { readMail } from './test/mail-view.ts';

let alice: GeneratedKey;
let bob: GeneratedKey;
let aliceKey: PrivateKey;
let bobKey: PrivateKey;

beforeAll(async () => {
  [alice, bob] = await Promise.all([
    generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }], passphrase: 'a' }),
    generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.net' }], passphrase: 'b' }),
  ]);
  [aliceKey, bobKey] = await Promise.all([
    unlockPrivateKey(alice.privateKey, 'a'),
    unlockPrivateKey(bob.privateKey, 'b'),
  ]);
});

const PLAIN = 'Grüße, Bob = the plan <is> on & ready.\nSecond line.\n';

function eml(body: string, contentType = 'text/plain; charset=utf-8'): string {
  return [
    'From: Alice <alice@example.org>',
    'To: bob@example.net',
    'Subject: hi',
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    'Content-Transfer-Encoding: 8bit',
    '',
    body.replace(/\r?\n/g, '\r\n'),
  ].join('\r\n');
}

const read = (raw: string) =>
  readMail(raw, { decryptionKeys: [bobKey], verificationKeys: [alice.publicKey] });
const encrypted = () => encryptMessage(PLAIN, { recipients: [bob.publicKey], signingKey: aliceKey });
const whole = { encrypted: true, signedBySender: true, partial: { encrypted: false, signed: false } };

/** openpgp.js leaves CRLF inside cleartext-signed text; mail transport makes all EOLs one kind. */
async function clearSigned(text: string): Promise<string> {
  return (await signCleartext(text, aliceKey)).replace(/\r\n?/g, '\n');
}

/** Armor lines as a webmail HTML body writes them: escaped, spaces as &nbsp;, one <br> per line. */
function brLines(armored: string): string {
  return armored
    .trimEnd()
    .split('\n')
    .map((l) => htmlEscaped('&#61;')(l).replace(/ /g, '&nbsp;'))
    .join('<br>\n');
}

describe('encrypted inline armor damaged by webmail', () => {
  it('quoted-printable soft breaks and =3D left in a text/plain body', async () => {
    const mail = await read(eml(quotedPrintable(60)(await encrypted())));
    expect(mail.text.trimEnd()).toBe(PLAIN.trimEnd());
    expect(mail.verdict).toMatchObject(whole);
  });

  it('non-breaking spaces in the markers, CRLF and trailing blanks', async () => {
    const damaged = trailingBlanks(' \t')(oddSpaces('\u00a0')(await encrypted()));
    const mail = await read(eml(damaged));
    expect(mail.text.trim()).toBe(PLAIN.trim());
    expect(mail.verdict).toMatchObject(whole);
  });

  it('a `> ` quoted reply: decrypts, keeps the quoting, flags the reply text as unprotected', async () => {
    const body = `Sounds good.\n\nOn Monday Alice wrote:\n${quote(1, 'spaced')(await encrypted())}\n`;
    const mail = await read(eml(body));
    expect(mail.text).toContain('Sounds good.');
    // The reply text and the decrypted block are separate parts; the block says how deep it was quoted.
    expect(mail.parts.map((p) => [p.protection.encrypted, p.quoteDepth ?? 0])).toEqual([
      [false, 0],
      [true, 1],
    ]);
    expect(mail.parts[1]!.text).toBe(PLAIN);
    expect(mail.verdict.signatures[0]).toMatchObject({ status: 'valid', signerMatchesFrom: true });
    expect(mail.verdict.partial).toEqual({ encrypted: true, signed: true });
    // The same block quoted twice deep and nothing else: quote marks alone are no other content.
    const alone = await read(eml(quote(2, 'packed')(await encrypted())));
    expect(alone.verdict).toMatchObject(whole);
  });

  it('an HTML-only body: <pre> with entities, and <br>-separated lines with &nbsp;', async () => {
    const armored = await encrypted();
    for (const html of [
      `<html><head><style>pre{color:red}</style></head><body><pre>\n${htmlEscaped('&#x3D;')(armored)}</pre></body></html>`,
      `<div dir="ltr">${brLines(armored)}<br></div>`,
    ]) {
      const mail = await read(eml(html, 'text/html; charset=utf-8'));
      expect(mail.text.trim()).toBe(PLAIN.trim());
      expect(mail.verdict).toMatchObject(whole);
      // The carrier HTML is unprotected and still holds the ciphertext: not returned.
      expect(mail.html).toBeUndefined();
    }
  });

  it('HTML around the armor is flagged: text, or an image that carries no text', async () => {
    const armored = await encrypted();
    const withText = await read(eml(`<p>Wire the money.</p><pre>${armored}</pre>`, 'text/html'));
    expect(withText.text).toContain('Wire the money.');
    expect(withText.verdict.partial).toEqual({ encrypted: true, signed: true });
    const withImage = await read(eml(`<img src="cid:logo"><pre>${armored}</pre>`, 'text/html'));
    expect(withImage.verdict.partial).toEqual({ encrypted: true, signed: true });
  });

  it('an HTML alternative saying something else than the armor is partial', async () => {
    const armored = await encrypted();
    const alternative = (html: string) =>
      [
        'From: Alice <alice@example.org>',
        'To: bob@example.net',
        'Subject: hi',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="alt"',
        '',
        '--alt',
        'Content-Type: text/plain; charset=utf-8',
        '',
        armored.replace(/\n/g, '\r\n'),
        '--alt',
        'Content-Type: text/html; charset=utf-8',
        '',
        html,
        '--alt--',
        '',
      ].join('\r\n');
    const same = await read(alternative(`<div>${brLines(armored)}</div>`));
    expect(same.verdict).toMatchObject(whole);
    const other = await read(alternative('<p>Johnny, you are fired.</p>'));
    // The HTML rendering says more than the armor: it is shown after it, as unprotected content.
    expect(other.parts.map((p) => [p.text.trim(), p.protection.encrypted])).toEqual([
      [PLAIN.trim(), true],
      ['Johnny, you are fired.', false],
    ]);
    expect(other.verdict.partial).toEqual({ encrypted: true, signed: true });
  });

  it('two blocks are partial even with nothing around them', async () => {
    const mail = await read(eml(`${await encrypted()}\n${await encrypted()}`));
    expect(mail.verdict.partial).toEqual({ encrypted: true, signed: true });
  });

  it('any realistic combination of damage still decrypts and verifies (property)', async () => {
    const armored = await encrypted();
    await fc.assert(
      fc.asyncProperty(arbitraryDamage({ signed: false }), async (damage) => {
        const mail = await read(eml(damage.apply(armored)));
        expect(mail.text.replace(/\s+/g, ' ').trim(), damage.names.join(' ')).toContain(
          'Grüße, Bob = the plan <is> on & ready.',
        );
        expect(mail.verdict.signedBySender).toBe(true);
        expect(mail.verdict.integrityProtected).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe('cleartext signatures: only RFC 4880 §7.1 damage is tolerated', () => {
  const TEXT = 'Pay 10 EUR to Carol.\nNot 1000.';
  const signed = () => clearSigned(TEXT);
  const status = (mail: Awaited<ReturnType<typeof read>>) => mail.verdict.signatures[0]?.status;

  it('verifies with trailing blanks and CRLF or CR line endings', async () => {
    for (const eol of ['\r\n', '\r'] as const) {
      const mail = await read(eml(lineEndings(eol)(trailingBlanks(' \t ')(await signed()))));
      expect(status(mail)).toBe('valid');
      expect(mail.text.trimEnd()).toBe(TEXT);
      expect(mail.verdict).toMatchObject({ signedBySender: true, partial: { signed: false } });
    }
  });

  it('verifies signed text whose lines only look like structure', async () => {
    const text = '>-----BEGIN PGP SIGNATURE-----\n- item\n> quoted on purpose\nHash: not a header';
    const mail = await read(eml(await clearSigned(text)));
    expect(status(mail)).toBe('valid');
    expect(mail.text.trimEnd()).toBe(text);
  });

  it('verifies when only the signature armor was damaged (soft breaks, NBSP markers)', async () => {
    const armored = await signed();
    // The signed lines are short and plain: quoted-printable at 60 columns breaks only base64.
    const mail = await read(eml(quotedPrintable(60)(armored)));
    expect(status(mail)).toBe('valid');
    const markers = armored.replace(/-----(BEGIN|END) PGP (\w+)/g, '-----$1\u00a0PGP\u00a0$2');
    expect(status(await read(eml(markers)))).toBe('valid');
  });

  it('fails when the signed text itself was changed: NBSP, quoting, quoted-printable, words', async () => {
    const armored = await signed();
    // A renderer's NBSP everywhere: the markers prove the damage, the signed text carries it too.
    const nbsp = oddSpaces('\u00a0')(armored);
    const quoted = `Alice wrote:\n${quote(1, 'spaced')(armored)}`;
    const long = await clearSigned(`${'x'.repeat(70)} = sum`);
    const edited = armored.replace('Not 1000.', 'Not 100.');
    for (const body of [nbsp, quoted, quotedPrintable(60)(long), edited]) {
      const mail = await read(eml(body));
      expect(status(mail), body.slice(0, 120)).toBe('invalid');
      expect(mail.verdict.signedBySender).toBe(false);
    }
    // The tolerant detector alone would have undone the NBSP and made the signature valid.
    const repaired = findArmor(nbsp)[0]!.armored;
    const lenient = await verifyCleartext({ armored: repaired, verificationKeys: [alice.publicKey] });
    expect(lenient.verdict.signatures[0]!.status).toBe('valid');
    // The quoted text is shown as it arrived, quoted once.
    const reply = await read(eml(quoted));
    expect(reply.text).toContain('> Pay 10 EUR to Carol.\n> Not 1000.');
    expect(reply.verdict.partial.signed).toBe(true);
  });

  it('an HTML-only body: entities are HTML, not damage; &nbsp; in the text is damage', async () => {
    const text = 'if a < b && c > d\n  then "pay"';
    const armored = await clearSigned(text);
    const pre = await read(eml(`<pre>${htmlEscaped('=')(armored)}</pre>`, 'text/html'));
    expect(status(pre)).toBe('valid');
    expect(pre.text.trimEnd()).toBe(text);
    expect(pre.verdict.partial.signed).toBe(false);
    // <br> lines with &nbsp; for every space: the renderer's spaces are in the signed text now.
    const br = await read(eml(`<div>${brLines(armored)}</div>`, 'text/html'));
    expect(status(br)).toBe('invalid');
  });

  it('text around a valid cleartext block is flagged partial', async () => {
    const mail = await read(eml(`You are fired.\n\n${trailingBlanks(' ')(await signed())}`));
    expect(status(mail)).toBe('valid');
    expect(mail.verdict.partial.signed).toBe(true);
    expect(mail.text).toContain('You are fired.');
  });
});
