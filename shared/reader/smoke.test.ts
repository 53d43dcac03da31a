import { it, expect } from 'vitest';
import { generateKey, unlockPrivateKey, buildEncryptedMime, buildSignedMime, encryptMessage, signCleartext } from '/work/wt/reader/shared/pgp/index.ts';
import { readMessage, verdictClass } from '/work/wt/reader/shared/reader/index.ts';
import { createMessage, encrypt } from 'openpgp';

it('smoke', async () => {
  const [a, b] = await Promise.all([
    generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }], passphrase: 'a' }),
    generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.net' }], passphrase: 'b' }),
  ]);
  const ak = await unlockPrivateKey(a.privateKey, 'a');
  const bk = await unlockPrivateKey(b.privateKey, 'b');
  const content = { from: { name: 'Alice', address: 'alice@example.org' }, to: [{ address: 'bob@example.net' }], subject: 'S', text: 'Hello\n', html: '<p>Hello <img src="https://x/y.png"></p>', attachments: [{ filename: 'a.txt', contentType: 'text/plain', data: new Uint8Array([65]) }] };
  const eml = await buildEncryptedMime(content, { recipients: [b.publicKey], signingKey: ak });
  const keys = { decryptionKeys: [bk], verificationKeys: [a.publicKey] };
  const r = await readMessage(eml, keys);
  console.log(JSON.stringify({ ...r, attachments: r.attachments.length }, null, 1).slice(0, 3000));
  console.log(verdictClass(r.verdict));
  const signed = await buildSignedMime(content, { signingKey: ak });
  const r2 = await readMessage(signed, keys);
  console.log(verdictClass(r2.verdict), r2.parts.length);
  // literal-only inline
  const lit = await encrypt({ message: await createMessage({ text: 'not secret' }), format: 'armored', passwords: undefined } as never).catch(() => null);
  const { armor, enums } = await import('openpgp');
  const m = await createMessage({ text: 'not secret\n' });
  const literalArmor = armor(enums.armor.message, m.write());
  const r3 = await readMessage(`From: alice@example.org\nTo: bob@example.net\nSubject: x\n\n${literalArmor}`, keys);
  console.log(verdictClass(r3.verdict), JSON.stringify(r3.parts));
  const inline = await encryptMessage('secret inline\n', { recipients: [b.publicKey], signingKey: ak });
  const r4 = await readMessage(`Hi there\n${inline}\nBye`, keys, { displayedSender: 'alice@example.org' });
  console.log(verdictClass(r4.verdict), r4.parts.map(p => [p.text, p.protection.encrypted]));
  const cs = await signCleartext('signed text\n', ak);
  const r5 = await readMessage(cs.replace('signed text', 'signed\u00a0text'), keys, { displayedSender: 'alice@example.org' });
  console.log(verdictClass(r5.verdict), r5.parts.map(p => [p.text, p.protection.signatures[0]?.status]));
  const r6 = await readMessage(cs, keys, { displayedSender: 'alice@example.org' });
  console.log(verdictClass(r6.verdict));
}, 60000);
