// Properties of the reader over random MIME trees built around real OpenPGP data:
// - text shown under a valid signature is exactly the text that was signed;
// - `encrypted: true` only for text that one of the user's keys decrypted (never for a
//   literal-only "PGP MESSAGE", never for text next to an encrypted part).

import fc from 'fast-check';
import type { PrivateKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { encryptMessage } from '../pgp/encrypt.ts';
import { type GeneratedKey, generateKey, unlockPrivateKey } from '../pgp/keys.ts';
import { signCleartext, signDetached } from '../pgp/signatures.ts';
import { readMessage } from './read-message.ts';
import { CRLF, HEAD, literalOnly, multipart, part } from './test/mails.ts';

let alice: GeneratedKey;
let bob: GeneratedKey;
let aliceKey: PrivateKey;
let bobKey: PrivateKey;

beforeAll(async () => {
  [alice, bob] = await Promise.all([
    generateKey({ userIds: [{ email: 'alice@example.org' }], passphrase: 'a' }),
    generateKey({ userIds: [{ email: 'bob@example.net' }], passphrase: 'b' }),
  ]);
  [aliceKey, bobKey] = await Promise.all([
    unlockPrivateKey(alice.privateKey, 'a'),
    unlockPrivateKey(bob.privateKey, 'b'),
  ]);
});

// Words and lines without trailing blanks (RFC 4880 §7.1 strips those from cleartext signatures).
const words = fc
  .array(fc.stringMatching(/^[A-Za-z0-9.,!?]{1,8}$/), { minLength: 1, maxLength: 6 })
  .map((w) => w.join(' '));
const body = fc.array(words, { minLength: 1, maxLength: 3 }).map((l) => `${l.join('\n')}\n`);

type Tree =
  | { kind: 'text'; text: string }
  | { kind: 'signed'; child: Tree }
  | { kind: 'clearsigned'; text: string }
  | { kind: 'mixed'; children: Tree[] }
  | { kind: 'forwarded'; child: Tree };

const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('text' as const), text: body }),
    fc.record({ kind: fc.constant('clearsigned' as const), text: body }),
    fc.record({ kind: fc.constant('signed' as const), child: tie('node') }),
    fc.record({
      kind: fc.constant('mixed' as const),
      children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('forwarded' as const), child: tie('node') }),
  ),
})).node;

let counter = 0;
const unique = () => `b${(counter++).toString(36)}x${Math.random().toString(36).slice(2, 8)}`;

/** Builds the entity; `signedTexts` collects every text a signature covers, as signed. */
async function build(t: Tree, signedTexts: Set<string>, underSignature: boolean): Promise<string> {
  switch (t.kind) {
    case 'text':
      if (underSignature) signedTexts.add(t.text);
      return part('text/plain; charset=utf-8', t.text.replace(/\n/g, CRLF), [
        'Content-Transfer-Encoding: 8bit',
      ]);
    case 'clearsigned': {
      signedTexts.add(t.text);
      const armored = (await signCleartext(t.text, aliceKey)).replace(/\r?\n/g, CRLF);
      return part('text/plain; charset=utf-8', armored, ['Content-Transfer-Encoding: 8bit']);
    }
    case 'signed': {
      const inner = await build(t.child, signedTexts, true);
      const { signature } = await signDetached(inner, aliceKey);
      const b = unique();
      return `Content-Type: multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256; boundary="${b}"${CRLF}${CRLF}${multipart(
        b,
        [inner, part('application/pgp-signature', String(signature).replace(/\r?\n/g, CRLF))],
      )}`;
    }
    case 'mixed': {
      const b = unique();
      const children = [];
      for (const c of t.children) children.push(await build(c, signedTexts, underSignature));
      return `Content-Type: multipart/mixed; boundary="${b}"${CRLF}${CRLF}${multipart(b, children)}`;
    }
    case 'forwarded': {
      const inner = await build(t.child, signedTexts, underSignature);
      return part('message/rfc822', `From: alice@example.org${CRLF}Subject: fwd${CRLF}${inner}`);
    }
  }
}

describe('properties', () => {
  it('text shown under a valid signature is exactly signed content', async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (t) => {
        const signedTexts = new Set<string>();
        const entity = await build(t, signedTexts, false);
        const raw = `${HEAD.join(CRLF)}${CRLF}MIME-Version: 1.0${CRLF}${entity}`;
        const r = await readMessage(raw, { decryptionKeys: [], verificationKeys: [alice.publicKey] });
        for (const p of r.parts) {
          if (p.protection.signatures.some((s) => s.status === 'valid'))
            expect(signedTexts).toContain(p.text);
        }
        if (r.verdict.signedBySender) {
          for (const p of r.parts.filter((x) => /\S/.test(x.text) && !r.verdict.partial.signed)) {
            expect(signedTexts).toContain(p.text);
          }
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  type Piece = { kind: 'plain' | 'encrypted' | 'literal'; inline: boolean; text: string };
  const piece = fc.record({
    kind: fc.constantFrom('plain' as const, 'encrypted' as const, 'literal' as const),
    inline: fc.boolean(),
    text: body,
  });

  async function pieceEntity(p: Piece): Promise<string> {
    if (p.kind === 'plain') return part('text/plain; charset=utf-8', p.text.replace(/\n/g, CRLF));
    const armored =
      p.kind === 'encrypted'
        ? await encryptMessage(p.text, { recipients: [bob.publicKey] })
        : await literalOnly(p.text);
    if (p.inline) return part('text/plain', armored.replace(/\r?\n/g, CRLF));
    const b = unique();
    return `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${b}"${CRLF}${CRLF}${multipart(
      b,
      [
        part('application/pgp-encrypted', 'Version: 1'),
        part('application/octet-stream', armored.replace(/\r?\n/g, CRLF)),
      ],
    )}`;
  }

  it('encrypted: true implies one of the user keys decrypted that part', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 4 }), async (pieces) => {
        const b = unique();
        const entities = [];
        for (const p of pieces) entities.push(await pieceEntity(p));
        const raw = `${HEAD.join(CRLF)}${CRLF}MIME-Version: 1.0${CRLF}Content-Type: multipart/mixed; boundary="${b}"${CRLF}${CRLF}${multipart(b, entities)}`;
        const r = await readMessage(raw, { decryptionKeys: [bobKey] });
        const reallyEncrypted = new Set(pieces.filter((p) => p.kind === 'encrypted').map((p) => p.text));
        for (const p of r.parts) {
          if (p.protection.encrypted) expect(reallyEncrypted).toContain(p.text);
          else
            expect(
              pieces.some((x) => x.kind !== 'encrypted' && x.text === p.text) || !/\S/.test(p.text),
            ).toBe(true);
        }
        expect(r.verdict.encrypted).toBe(r.parts.some((p) => p.protection.encrypted));
        if (pieces.some((p) => p.kind === 'literal')) {
          expect(r.verdict.warnings.map((w) => w.code)).toContain('claims_encryption');
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
