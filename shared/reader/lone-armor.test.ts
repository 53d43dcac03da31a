// A lone armored message is opened from its bytes (shared/reader/lone-armor.ts): it must be read
// exactly as the text path reads the same block, and anything irregular must take the text path.

import fc from 'fast-check';
import { armor, enums, unarmor } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../encoding.ts';
import { encryptMessage } from '../pgp/encrypt.ts';
import { isLoneArmoredMessage } from './lone-armor.ts';
import { readMessage } from './read-message.ts';
import { HEAD, literalOnly, mail } from './test/mails.ts';
import { aliceAndBob, type People } from './test/people.ts';

let alice: People['alice'];
let bob: People['bob'];
let aliceKey: People['aliceKey'];
let bobKey: People['bobKey'];

beforeAll(async () => {
  ({ alice, bob, aliceKey, bobKey } = await aliceAndBob());
});

/** The same block made irregular (a blank after one base64 line): the text path reads it. */
function irregular(armored: string): string {
  const lines = armored.split('\n');
  const at = lines.indexOf('') + 1;
  lines[at] = `${lines[at]} `;
  return lines.join('\n');
}

describe('a lone armored message', () => {
  it('is recognised as openpgp.js writes it, with LF or CRLF and blanks around', async () => {
    const armored = await encryptMessage('hello\n', { recipients: [bob.publicKey] });
    expect(isLoneArmoredMessage(utf8(armored))).toBe(true);
    expect(isLoneArmoredMessage(utf8(`\r\n  ${armored.replace(/\n/g, '\r\n')}\r\n\r\n`))).toBe(true);
    // An armor header, and no checksum line (RFC 9580 §6.1 makes it optional).
    const withHeader = armored.replace('-----\n', '-----\nComment: from Alice\n').replace(/\n=.{4}\n/, '\n');
    expect(isLoneArmoredMessage(utf8(withHeader))).toBe(true);
  });

  it('is not recognised when anything else is there, or the armor is less than regular', async () => {
    const armored = await encryptMessage('hello\n', { recipients: [bob.publicKey] });
    const lines = armored.split('\n');
    for (const other of [
      `Hi Bob,\n${armored}`,
      `${armored}\n-- \nAlice`,
      `${armored}\n${armored}`,
      lines.map((l) => `> ${l}`).join('\n'),
      irregular(armored),
      armored.replace('-----\n\n', '-----\n'),
      armored.replace('-----BEGIN PGP MESSAGE-----', '-----BEGIN PGP SIGNED MESSAGE-----'),
      armored.replace('-----END PGP MESSAGE-----', '-----END PGP MESSAGE-----x'),
      armored.replace(/\n=.{4}\n/, '\n=\n'),
      armored.slice(0, armored.indexOf('-----END')),
      '',
    ]) {
      expect(isLoneArmoredMessage(utf8(other)), other.slice(0, 80)).toBe(false);
    }
  });

  it('is not recognised once any byte outside the armor alphabet is put in its body', async () => {
    const armored = utf8(await encryptMessage('hello\n', { recipients: [bob.publicKey] }));
    const bodyStart = armored.indexOf(0x0a, armored.indexOf(0x0a) + 1) + 1;
    const bodyEnd = armored.lastIndexOf(0x3d);
    fc.assert(
      fc.property(
        fc.integer({ min: bodyStart, max: bodyEnd - 1 }),
        fc.integer({ min: 0, max: 255 }).filter((c) => !/[A-Za-z0-9+/\n]/.test(String.fromCharCode(c))),
        (at, c) => {
          const changed = armored.slice();
          changed[at] = c;
          // A `=` makes a padded line: regular only at the very end of the base64.
          if (c === 0x3d) return;
          expect(isLoneArmoredMessage(changed)).toBe(false);
        },
      ),
    );
  });

  it('reads as the text path reads the same block: signed, literal-only, a file, a MIME entity', async () => {
    const signed = await encryptMessage('signed text\n', {
      recipients: [bob.publicKey],
      signingKey: aliceKey,
    });
    const literal = await literalOnly('not encrypted at all\n');
    const file = await encryptMessage(new Uint8Array([0, 1, 2, 255]), {
      recipients: [bob.publicKey],
      filename: 'data.bin',
    });
    const entity = await encryptMessage(
      mail([], 'multipart/mixed; boundary=b', '--b\nContent-Type: text/plain\n\ninside\n--b--\n'),
      { recipients: [bob.publicKey] },
    );
    const keys = { decryptionKeys: [bobKey], verificationKeys: [alice.publicKey] };
    for (const armored of [signed, literal, file, entity]) {
      expect(isLoneArmoredMessage(utf8(armored))).toBe(true);
      expect(isLoneArmoredMessage(utf8(irregular(armored)))).toBe(false);
      // As an .asc file and as the text/plain body of a mail.
      for (const wrap of [(a: string) => a, (a: string) => mail(HEAD, 'text/plain; charset=us-ascii', a)]) {
        const fast = await readMessage(wrap(armored), keys);
        const text = await readMessage(wrap(irregular(armored)), keys);
        expect(fast).toEqual(text);
      }
    }
  });

  it('a binary message armored by hand (no checksum, long lines) still reads', async () => {
    const binary = unarmor(await encryptMessage('hand made\n', { recipients: [bob.publicKey] }));
    const armored = armor(enums.armor.message, (await binary).data as Uint8Array);
    const r = await readMessage(armored, { decryptionKeys: [bobKey] });
    expect(r.parts.map((p) => [p.text, p.protection.encrypted])).toEqual([['hand made\n', true]]);
  });
});
