// Attack regressions (spec §9–10): what a malicious co-recipient, who knows the content key, can and
// cannot do. Built from the internals on purpose: the attacker is not bound to our API.

import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../encoding.ts';
import { decodeHeader, encodeHeaderUnmacked, HEADER_PREFIX_LENGTH, parseHeaderPrefix } from './header.ts';
import { open, openBytes, publicIdentity, sealBytes } from './index.ts';
import {
  derivePayloadKey,
  encryptSegments,
  headerMac,
  PayloadDigest,
  segmentPlaintext,
  signatureMessage,
} from './payload.ts';
import { bundleOf, keysOf, makeParty } from './test/parties.ts';
import { unwrapEntry } from './x3dh.ts';

const alice = makeParty('alice@example.org');
const bob = makeParty('bob@example.org');
const carol = makeParty('carol@example.net');

/** Bob opens his entry by hand and learns the content key, as any recipient can. */
async function bobLearnsContentKey(env: Uint8Array) {
  const headerBytes = env.subarray(0, parseHeaderPrefix(env.subarray(0, HEADER_PREFIX_LENGTH)));
  const { header } = decodeHeader(headerBytes);
  const entry = header.entries.find((e) => e.address === bob.address)!;
  const contentKey = await unwrapEntry(
    { envelopeId: header.envelopeId, senderAddress: header.senderAddress, sender: header.sender },
    entry,
    {
      identity: publicIdentity(bob.identity),
      identityDhSecret: bob.identity.dhSecret,
      signedPrekeySecret: bob.signedPrekey.secret,
      oneTimePrekeySecret: bob.oneTimePrekeys[0]!.secret,
    },
  );
  return { header, headerBytes, contentKey };
}

async function payloadOf(contentKey: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array) {
  const digest = new PayloadDigest();
  const chunks: Uint8Array[] = [];
  for await (const c of encryptSegments(
    await derivePayloadKey(contentKey, nonce),
    segmentPlaintext([plaintext]),
    digest,
  )) {
    chunks.push(c);
  }
  return { payload: concatBytes(...chunks), digest: digest.digest() };
}

describe('malicious co-recipient', () => {
  it('cannot swap the body under Alice’s signature: Carol gets tampered and no plaintext', async () => {
    const env = await sealBytes(utf8('Pay 10 EUR to Bob'), alice, [bundleOf(bob), bundleOf(carol)]);
    const { header, headerBytes, contentKey } = await bobLearnsContentKey(env);
    const forged = await payloadOf(contentKey, header.payloadNonce, utf8('Pay 10000 EUR to Bob'));
    const forgedEnv = concatBytes(headerBytes, forged.payload, env.subarray(env.length - 64));
    // The AEAD and the header MAC both pass (Bob has the keys); only the signature stops it.
    const opened = await open([forgedEnv], keysOf(carol));
    const received: Uint8Array[] = [];
    const reading = (async () => {
      for await (const c of opened.plaintext) received.push(c);
    })();
    await expect(reading).rejects.toMatchObject({ code: 'tampered' });
    expect(received).toHaveLength(0); // the only (last) segment is never released
  });

  it('cannot re-sign as himself: the entries bind Alice’s identity, so Carol’s unwrap fails', async () => {
    const env = await sealBytes(utf8('hello'), alice, [bundleOf(bob), bundleOf(carol)]);
    const { header, contentKey } = await bobLearnsContentKey(env);
    const unmacked = encodeHeaderUnmacked({ ...header, sender: publicIdentity(bob.identity) });
    const newHeader = concatBytes(unmacked, headerMac(contentKey, unmacked));
    const body = await payloadOf(contentKey, header.payloadNonce, utf8('hello from "alice"'));
    const sig = ed25519.sign(signatureMessage(newHeader, body.digest), bob.identity.signingSecret);
    const forgedEnv = concatBytes(newHeader, body.payload, sig);
    await expect(openBytes(forgedEnv, keysOf(carol))).rejects.toMatchObject({ code: 'tampered' });
  });

  it('cannot claim another sender address: the address is in every entry’s AD', async () => {
    const env = await sealBytes(utf8('hello'), alice, [bundleOf(bob), bundleOf(carol)]);
    const { header, contentKey } = await bobLearnsContentKey(env);
    const unmacked = encodeHeaderUnmacked({ ...header, senderAddress: 'ceo@example.org' });
    const newHeader = concatBytes(unmacked, headerMac(contentKey, unmacked));
    const forgedEnv = concatBytes(newHeader, env.subarray(parseHeaderPrefix(env)));
    await expect(openBytes(forgedEnv, keysOf(carol))).rejects.toMatchObject({ code: 'tampered' });
  });

  it('cannot drop Carol’s co-recipients from the header without breaking the signature', async () => {
    const dave = makeParty('dave@example.org');
    const env = await sealBytes(utf8('hello'), alice, [bundleOf(bob), bundleOf(carol), bundleOf(dave)]);
    const { header, contentKey } = await bobLearnsContentKey(env);
    const unmacked = encodeHeaderUnmacked({
      ...header,
      entries: header.entries.filter((e) => e.address !== dave.address),
    });
    const newHeader = concatBytes(unmacked, headerMac(contentKey, unmacked));
    const forgedEnv = concatBytes(newHeader, env.subarray(parseHeaderPrefix(env)));
    await expect(openBytes(forgedEnv, keysOf(carol))).rejects.toMatchObject({ code: 'tampered' });
  });
});
