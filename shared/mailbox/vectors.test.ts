// Known-answer vectors (shared/mailbox/vectors/*.json, source recorded in each): the builder
// reproduces every file, each object opens or fails exactly as its `expect` says, and the
// intermediates match what the spec's HKDF steps give.

import { readdirSync, readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { equalBytes, fromHex, toHex } from '../encoding.ts';
import { bufferSource } from '../envelope/aead.ts';
import { drbg } from '../envelope/test/drbg.ts';
import { isNoiseError } from '../errors.ts';
import { inboxKeyId, KIND_BODY, KIND_SUMMARY, type ObjectKind, openObject, sealObject } from './index.ts';
import { buildVectors, builtObjects, type MailboxVector, patterned } from './test/vectors-build.ts';

const dir = new URL('./vectors/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const committed = Object.fromEntries(
  files.map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as MailboxVector]),
);

function sealedOf(v: MailboxVector): Uint8Array {
  if ('hex' in v.sealed) return fromHex(v.sealed.hex);
  const bytes = builtObjects.get(v.sealed.sha256);
  if (!bytes) throw new Error('large vector not rebuilt');
  expect(bytes.length).toBe(v.sealed.length);
  return bytes;
}

function plaintextOf(v: MailboxVector): Uint8Array {
  const p = v.plaintext!;
  return 'hex' in p ? fromHex(p.hex) : patterned(p.length);
}

const kindOf = (v: MailboxVector): ObjectKind => (v.kind === 'summary' ? KIND_SUMMARY : KIND_BODY);

describe('mailbox-v1 known-answer vectors', () => {
  let built: Record<string, MailboxVector>;
  beforeAll(async () => {
    built = await buildVectors();
  });

  it('are all committed and reproduce byte for byte', () => {
    expect(files.sort()).toEqual(Object.keys(built).sort());
    for (const [name, vector] of Object.entries(built)) expect(vector, name).toEqual(committed[name]);
  });

  it.each(files)('%s opens or fails as expected', async (name) => {
    const v = committed[name]!;
    const key = fromHex(v.inboxKey);
    const context = { kind: kindOf(v), messageId: v.messageId };
    const sealed = sealedOf(v);
    if (v.expect === 'success') {
      expect(equalBytes(await openObject(key, context, sealed), plaintextOf(v))).toBe(true);
      return;
    }
    const err = await openObject(key, context, sealed).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isNoiseError(err), String(err)).toBe(true);
    expect((err as { code: string }).code).toBe(v.expect);
  });

  it('success vectors: key id and salt are where §3.1 puts them; sealing again with the same randomness gives the same bytes', async () => {
    for (const v of Object.values(committed).filter((x) => x.expect === 'success')) {
      const sealed = sealedOf(v);
      const i = v.intermediates!;
      expect(toHex(inboxKeyId(fromHex(v.inboxKey)))).toBe(i.keyId);
      expect(toHex(sealed.subarray(5, 13))).toBe(i.keyId);
      expect(toHex(sealed.subarray(13, 45))).toBe(i.salt);
      const seed = v.description.match(/seed (vector\/[a-z-]+)/)![1]!;
      const again = await sealObject(
        fromHex(v.inboxKey),
        { kind: kindOf(v), messageId: v.messageId },
        plaintextOf(v),
        drbg(seed),
      );
      expect(toHex(sha256(again))).toBe(toHex(sha256(sealed)));
    }
  });

  it('summary.json: its one chunk opens with the recorded object key and nonce 0 ‖ last (§3.3)', async () => {
    const v = committed['summary.json']!;
    const key = await crypto.subtle.importKey(
      'raw',
      bufferSource(fromHex(v.intermediates!.objectKey)),
      'AES-GCM',
      false,
      ['decrypt'],
    );
    const nonce = new Uint8Array(12);
    nonce[11] = 1;
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce },
      key,
      bufferSource(sealedOf(v).subarray(45)),
    );
    expect(new Uint8Array(plain)).toEqual(plaintextOf(v));
  });
});
