// The outgoing builder: encrypted mode gives PGP/MIME that opens with the recipient's key and is
// signed by the sender, threading and Autocrypt outside; sealed mode gives signed plaintext that
// opens only at the relay, bound to the envelope (Bcc included, never in a header). The Sent copy
// opens under the inbox key with the thread id in its summary.
import * as openpgp from 'openpgp';
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../encoding.ts';
import { KIND_BODY, KIND_SUMMARY } from '../mailbox/labels.ts';
import { generateInboxKey, openObject } from '../mailbox/sealed-object.ts';
import { decodeSummary, encodeSummary } from '../mailbox/summary.ts';
import { deriveRelayKeyPair, openRelaySeal } from '../relay/index.ts';
import { envelopeRecipients, type OutgoingMail, prepareSend } from './compose.ts';
import { newSentId, sealSentCopy, sentSummary } from './sent-copy.ts';

const key = async (email: string) =>
  (await openpgp.generateKey({ type: 'ecc', userIDs: [{ email }], format: 'object' })).privateKey;
const alice = await key('alice@noise.test');
const dave = await key('dave@example.org');

const mail: OutgoingMail = {
  content: {
    from: { name: 'Alice', address: 'alice@noise.test' },
    to: [{ address: 'dave@example.org' }],
    cc: [{ address: 'erin@example.net' }],
    subject: 'Re: the plan',
    text: 'CANARY-compose body',
    inReplyTo: '<m2@example.org>',
    references: ['<m1@example.org>', '<m2@example.org>'],
  },
  bcc: ['hidden@example.com', 'DAVE@example.org'],
  signingKey: alice,
};

describe('prepareSend', () => {
  it('lists the envelope once per recipient: To, Cc, then Bcc', () => {
    expect(envelopeRecipients(mail)).toEqual(['dave@example.org', 'erin@example.net', 'hidden@example.com']);
  });

  it('encrypted mode: PGP/MIME for the recipients, signed by the sender, nothing plain but the envelope', async () => {
    const sent = await prepareSend(mail, { mode: 'encrypted', recipientKeys: [dave.toPublic()] });
    expect(sent.meta).toEqual({ mode: 'encrypted', from: 'alice@noise.test', to: envelopeRecipients(mail) });
    expect(sent.payload).toBe(sent.mime);
    const text = fromUtf8(sent.mime);
    expect(text).not.toContain('CANARY');
    expect(text).not.toMatch(/^Bcc:/im);
    const outer = await PostalMime.parse(sent.mime);
    expect(outer.inReplyTo).toBe('<m2@example.org>');
    expect(outer.headers.find((h) => h.key === 'content-type')?.value).toMatch(/multipart\/encrypted/);
    expect(outer.headers.filter((h) => h.key === 'autocrypt')).toHaveLength(1);
    const armored = text.match(/-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/)![0];
    const out = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: armored }),
      decryptionKeys: dave,
      verificationKeys: alice.toPublic(),
      expectSigned: true,
    });
    expect(out.data).toContain('protected-headers');
    expect((await PostalMime.parse(out.data as string)).text).toContain('CANARY-compose body');
  });

  it('sealed mode: signed plaintext that opens only at the relay for this envelope', async () => {
    const relay = await deriveRelayKeyPair(new Uint8Array(32).fill(9));
    const sent = await prepareSend(mail, { mode: 'sealed', relayKey: relay });
    expect(sent.meta.mode).toBe('sealed');
    expect(fromUtf8(sent.payload.slice(0, 3))).toBe('NRS');
    expect(new TextDecoder('latin1').decode(sent.payload)).not.toContain('CANARY');
    const opened = await openRelaySeal(sent.payload, { from: sent.meta.from, to: sent.meta.to }, [relay]);
    expect(opened).toEqual(sent.mime);
    const parsed = await PostalMime.parse(opened);
    expect(parsed.text).toContain('CANARY-compose body');
    expect(parsed.headers.find((h) => h.key === 'content-type')?.value).toMatch(/multipart\/signed/);
    await expect(
      openRelaySeal(sent.payload, { from: sent.meta.from, to: ['dave@example.org'] }, [relay]),
    ).rejects.toMatchObject({
      code: 'tampered',
    });
  });
});

describe('a mixed send (docs/spec/relay-v1.md §6)', () => {
  it('one message, two copies: the envelope names only each copy’s recipients, the headers all of them', async () => {
    const relay = await deriveRelayKeyPair(new Uint8Array(32).fill(7));
    const content = { ...mail.content, messageId: '<mixed@noise.test>', date: new Date(0) };
    const encrypted = await prepareSend(
      { content, signingKey: alice, envelope: ['DAVE@example.org'] },
      { mode: 'encrypted', recipientKeys: [dave.toPublic()] },
    );
    const sealed = await prepareSend(
      { content, signingKey: alice, envelope: ['erin@example.net'] },
      { mode: 'sealed', relayKey: relay },
    );
    expect(encrypted.meta.to).toEqual(['dave@example.org']);
    expect(sealed.meta.to).toEqual(['erin@example.net']);
    expect(encrypted.messageId).toBe(sealed.messageId);
    // The seal is bound to erin alone: replayed to dave's envelope it does not open.
    await expect(
      openRelaySeal(sealed.payload, { from: sealed.meta.from, to: ['dave@example.org'] }, [relay]),
    ).rejects.toMatchObject({ code: 'tampered' });
    const plain = await PostalMime.parse(await openRelaySeal(sealed.payload, sealed.meta, [relay]));
    expect(plain.cc?.map((a) => a.address)).toEqual(['erin@example.net']);
    expect(plain.to?.map((a) => a.address)).toEqual(['dave@example.org']);
    // The encrypted copy carries no plaintext of the body.
    expect(fromUtf8(encrypted.payload)).not.toContain('CANARY');
  });
});

describe('Sent copy', () => {
  it('keeps the ids the mail service sent the copies under inside the sealed summary (v3)', async () => {
    const inboxKey = generateInboxKey();
    const id = newSentId();
    const summary = sentSummary(mail.content, {
      messageId: '<own@noise.test>',
      encryption: 'pgp-mime',
      relayedAs: ['a1@cf.example', 'x'.repeat(300), '<a1@cf.example>', ' <own@noise.test> ', 'b2@cf.example'],
    });
    const framed = await sealSentCopy(inboxKey, id, summary, new Uint8Array(1));
    const sealedSummary = framed.slice(4, 4 + new DataView(framed.buffer).getUint32(0));
    expect(
      decodeSummary(await openObject(inboxKey, { kind: KIND_SUMMARY, messageId: id }, sealedSummary)),
    ).toMatchObject({ v: 3, messageId: '<own@noise.test>', relayedAs: ['a1@cf.example', 'b2@cf.example'] });
    // Strict like v2: v3 needs at least one id, and v2 cannot carry the field.
    expect(() => encodeSummary({ ...summary, v: 3, relayedAs: [] } as never)).toThrow();
    expect(() => encodeSummary({ ...summary, v: 2 } as never)).toThrow();
  });

  it('opens under the inbox key for its id, with threading and Bcc in the sealed summary', async () => {
    const inboxKey = generateInboxKey();
    const sent = await prepareSend(mail, { mode: 'encrypted', recipientKeys: [dave.toPublic()] });
    const id = newSentId();
    const summary = sentSummary(mail.content, {
      messageId: sent.messageId,
      bcc: mail.bcc,
      encryption: 'pgp-mime',
    });
    const framed = await sealSentCopy(inboxKey, id, summary, sent.mime);
    const length = new DataView(framed.buffer).getUint32(0);
    const sealedSummary = framed.slice(4, 4 + length);
    const sealedBody = framed.slice(4 + length);
    const opened = decodeSummary(
      await openObject(inboxKey, { kind: KIND_SUMMARY, messageId: id }, sealedSummary),
    );
    expect(opened).toMatchObject({
      v: 2,
      thread: '<m1@example.org>',
      inReplyTo: '<m2@example.org>',
      bcc: [{ address: 'hidden@example.com' }, { address: 'DAVE@example.org' }],
    });
    expect(await openObject(inboxKey, { kind: KIND_BODY, messageId: id }, sealedBody)).toEqual(sent.mime);
    // Under another id the objects do not open: the server cannot move them.
    await expect(
      openObject(inboxKey, { kind: KIND_BODY, messageId: newSentId() }, sealedBody),
    ).rejects.toMatchObject({ code: 'tampered' });
  });
});
