// Base64 decoded over its own bytes (docs/limits.md, Memory): only in a buffer the reader made
// (an OpenPGP layer's plaintext), never in the caller's input, and only after the signatures over
// those bytes were checked.

import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64, utf8 } from '../encoding.ts';
import { encryptMessage } from '../pgp/encrypt.ts';
import { buildEncryptedMime, buildSignedMime, type MailContent } from '../pgp/mime-build.ts';
import { Base64Decoder } from './body-decoding.ts';
import { readMessage } from './read-message.ts';
import { HEAD, pgpMime } from './test/mails.ts';
import { aliceAndBob, type People } from './test/people.ts';

let alice: People['alice'];
let bob: People['bob'];
let aliceKey: People['aliceKey'];
let bobKey: People['bobKey'];

beforeAll(async () => {
  ({ alice, bob, aliceKey, bobKey } = await aliceAndBob());
});

const file = Uint8Array.from({ length: 5000 }, (_, i) => (i * 131 + 7) & 0xff);

const content = (): MailContent => ({
  from: { name: 'Alice', address: 'alice@example.org' },
  to: [{ address: 'bob@example.net' }],
  subject: 'the file',
  date: new Date('2026-12-01T10:00:00Z'),
  text: 'The file is attached.\n',
  attachments: [{ filename: 'f.bin', contentType: 'application/octet-stream', data: file }],
});

describe('base64 decoded in place', () => {
  it('gives the same bytes as into a new buffer, for any data and line layout', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom('\r\n', '\n', ' '),
        (data, width, eol) => {
          const text = toBase64(data).replace(new RegExp(`.{1,${width}}`, 'g'), `$&${eol}`);
          const fresh = new Base64Decoder().push(utf8(text));
          const buffer = utf8(text);
          const inPlace = new Base64Decoder().push(buffer, buffer);
          expect(fresh).toEqual(data);
          expect(inPlace).toEqual(data);
          expect(inPlace.buffer).toBe(buffer.buffer);
        },
      ),
    );
  });

  it("never writes into the caller's bytes: a signed mail's base64 attachment", async () => {
    const input = utf8(await buildSignedMime(content(), { signingKey: aliceKey }));
    const before = input.slice();
    const r = await readMessage(input, { verificationKeys: [alice.publicKey] });
    expect(r.attachments[0]!.data).toEqual(file);
    expect(r.verdict.signatures[0]?.status).toBe('valid');
    expect(input).toEqual(before);
  });

  it("never writes into the caller's bytes: an encrypted mail", async () => {
    const eml = await buildEncryptedMime(content(), { recipients: [bob.publicKey], signingKey: aliceKey });
    const input = utf8(eml);
    const before = input.slice();
    const r = await readMessage(input, { decryptionKeys: [bobKey], verificationKeys: [alice.publicKey] });
    expect(r.attachments[0]!.data).toEqual(file);
    expect(r.verdict.encrypted).toBe(true);
    expect(input).toEqual(before);
  });

  it('a multipart/signed inside the encryption is verified before its base64 is decoded over', async () => {
    // RFC 3156 §5 signs the first part's exact bytes; decoding them first would break the check.
    const signed = await buildSignedMime(content(), { signingKey: aliceKey });
    const eml = pgpMime(HEAD, await encryptMessage(signed, { recipients: [bob.publicKey] }));
    const r = await readMessage(eml, { decryptionKeys: [bobKey], verificationKeys: [alice.publicKey] });
    expect(r.verdict.encrypted).toBe(true);
    expect(r.verdict.signatures.map((s) => s.status)).toEqual(['valid']);
    expect(r.attachments[0]!.data).toEqual(file);
    expect(r.attachments[0]!.protection).toMatchObject({ encrypted: true, layer: 'pgp-mime' });
    expect(r.attachments[0]!.protection.signatures.map((s) => s.status)).toEqual(['valid']);
    expect(r.parts.map((p) => p.text)).toEqual(['The file is attached.\n']);
  });
});
