// Protected headers (draft-ietf-lamps-header-protection) against the outer ones: the signer is
// checked against the outer From, the one the webmail shows; a protected From, To or Cc naming
// someone else is reported, a protected Subject behind the outer "[...]" is not.
import type { PrivateKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedKey, generateKey, unlockPrivateKey } from '../pgp/keys.ts';
import { buildEncryptedMime, buildSignedMime, type MailContent } from '../pgp/mime-build.ts';
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

const mail = (from: MailContent['from'], to = 'bob@example.net'): MailContent => ({
  from,
  to: [{ address: to }],
  subject: 'Contract',
  text: 'Please sign the contract.\n',
});

/** Rewrites an outer header, as anyone relaying the mail can; the protected copy is untouched. */
function outer(eml: string, name: 'From' | 'To', value: string): string {
  const re = new RegExp(`^${name}: [^\\r\\n]*(?:\\r\\n[ \\t][^\\r\\n]*)*\\r\\n`, 'm');
  expect(re.test(eml)).toBe(true);
  return eml.replace(re, `${name}: ${value}\r\n`);
}

const read = (eml: string) =>
  readMail(eml, {
    decryptionKeys: [bobKey],
    verificationKeys: [alice.publicKey, mallory.publicKey],
  });

describe('protected headers against outer headers', () => {
  it('a protected Subject behind "[...]" and another display name are no mismatch', async () => {
    const eml = await buildEncryptedMime(mail({ name: 'Alice Ä.', address: 'Alice@Example.org' }), {
      recipients: [bob.publicKey],
      signingKey: aliceKey,
    });
    const parsed = await read(outer(eml, 'From', 'Alice <alice@example.org>'));
    expect(parsed.headers.subject).toBe('Contract');
    expect(parsed.verdict).toMatchObject({
      subjectProtected: true,
      signedBySender: true,
      headerMismatch: [],
    });
  });

  it('a protected From other than the outer one is reported; the signer is checked on the outer', async () => {
    // Alice signs, but her protected From claims to be the CEO; the webmail shows alice.
    const eml = await buildEncryptedMime(mail({ name: 'CEO', address: 'ceo@example.org' }), {
      recipients: [bob.publicKey],
      signingKey: aliceKey,
    });
    const parsed = await read(outer(eml, 'From', 'Alice <alice@example.org>'));
    expect(parsed.headers.from?.address).toBe('alice@example.org');
    expect(parsed.protectedHeaders?.from?.address).toBe('ceo@example.org');
    expect(parsed.verdict.headerMismatch).toEqual(['from']);
    expect(parsed.verdict.signatures[0]).toMatchObject({ status: 'valid', signerMatchesFrom: true });
  });

  it('a forged outer From over a stranger’s signed mail: mismatch, and not signed by the sender', async () => {
    const eml = await buildEncryptedMime(mail({ address: 'mallory@evil.example' }), {
      recipients: [bob.publicKey],
      signingKey: malloryKey,
    });
    const parsed = await read(outer(eml, 'From', 'Alice <alice@example.org>'));
    expect(parsed.headers.from?.address).toBe('alice@example.org');
    expect(parsed.verdict.headerMismatch).toEqual(['from']);
    expect(parsed.verdict.signatures[0]).toMatchObject({ status: 'valid', signerMatchesFrom: false });
    expect(parsed.verdict.signedBySender).toBe(false);
  });

  it('surreptitious forwarding: Alice’s mail to Carol re-sent to Bob shows a To mismatch', async () => {
    const eml = await buildEncryptedMime(mail({ address: 'alice@example.org' }, 'carol@example.com'), {
      recipients: [bob.publicKey],
      signingKey: aliceKey,
    });
    const parsed = await read(outer(eml, 'To', 'bob@example.net'));
    expect(parsed.verdict.signedBySender).toBe(true);
    expect(parsed.verdict.headerMismatch).toEqual(['to']);
  });

  it('multipart/signed: a protected From in the signed part is compared too', async () => {
    const eml = await buildSignedMime(mail({ address: 'ceo@example.org' }), { signingKey: aliceKey });
    const parsed = await read(outer(eml, 'From', 'alice@example.org'));
    expect(parsed.verdict).toMatchObject({ signedBySender: true, headerMismatch: ['from'] });
    const same = await read(
      await buildSignedMime(mail({ address: 'alice@example.org' }), { signingKey: aliceKey }),
    );
    expect(same.verdict.headerMismatch).toEqual([]);
  });

  it('plain mail has no protected headers and nothing to compare', async () => {
    const parsed = await read('From: a@example.org\r\nTo: b@example.net\r\nSubject: s\r\n\r\nhello\r\n');
    expect(parsed.protectedHeaders).toBeUndefined();
    expect(parsed.verdict.headerMismatch).toEqual([]);
  });
});
