import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../encoding.ts';
import {
  fingerprintHex,
  generateIdentity,
  generateOneTimePrekeys,
  generateSignedPrekey,
  identitySecretFromJson,
  identitySecretToJson,
  oneTimePrekeySecretFromJson,
  oneTimePrekeySecretToJson,
  publicIdentity,
  publicSignedPrekey,
  signedPrekeySecretFromJson,
  signedPrekeySecretToJson,
  verifyIdentity,
  verifySignedPrekey,
} from './index.ts';

describe('envelope keys', () => {
  it('published identity and signed prekey verify with the Worker’s checks', () => {
    const id = generateIdentity();
    const pub = publicIdentity(id);
    expect(verifyIdentity(pub)).toBe(true);
    const spk = publicSignedPrekey(id, generateSignedPrekey(1, 1_763_900_000));
    expect(verifySignedPrekey(pub.signingKey, spk)).toBe(true);
    expect(verifySignedPrekey(publicIdentity(generateIdentity()).signingKey, spk)).toBe(false);
  });

  it('one-time prekeys get consecutive ids and distinct secrets', () => {
    const opks = generateOneTimePrekeys(41, 5);
    expect(opks.map((k) => k.id)).toEqual([41, 42, 43, 44, 45]);
    expect(new Set(opks.map((k) => toBase64Url(k.secret))).size).toBe(5);
    expect(() => generateOneTimePrekeys(0xffffffff, 2)).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });

  it('private halves round-trip through plain JSON and give the same public identity', () => {
    const id = generateIdentity();
    const spk = generateSignedPrekey(9, 1_763_900_000);
    const [opk] = generateOneTimePrekeys(1, 1);
    const json = JSON.parse(
      JSON.stringify({
        identity: identitySecretToJson(id),
        spk: signedPrekeySecretToJson(spk),
        opk: oneTimePrekeySecretToJson(opk!),
      }),
    );
    const back = identitySecretFromJson(json.identity);
    expect(fingerprintHex(publicIdentity(back))).toBe(fingerprintHex(publicIdentity(id)));
    expect(publicIdentity(back)).toEqual(publicIdentity(id));
    expect(signedPrekeySecretFromJson(json.spk)).toEqual(spk);
    expect(oneTimePrekeySecretFromJson(json.opk)).toEqual(opk);
  });

  it('JSON import is strict: unknown fields, wrong lengths and bad ids are malformed', () => {
    const good = identitySecretToJson(generateIdentity());
    const bad = (f: () => unknown) =>
      expect(f).toThrow(expect.objectContaining({ code: expect.any(String) }));
    bad(() => identitySecretFromJson({ ...good, extra: 1 }));
    bad(() => identitySecretFromJson({ ...good, dhSecret: 'AAAA' }));
    bad(() => identitySecretFromJson({ ...good, dhSecret: '+/+/' }));
    bad(() => signedPrekeySecretFromJson({ id: -1, createdAt: 0, secret: good.dhSecret }));
    bad(() => oneTimePrekeySecretFromJson({ id: 1.5, secret: good.dhSecret }));
    expect(() => identitySecretFromJson([])).toThrow(expect.objectContaining({ code: 'malformed' }));
  });

  it('the fingerprint is 64 uppercase hex digits and differs between identities', () => {
    const a = fingerprintHex(publicIdentity(generateIdentity()));
    expect(a).toMatch(/^[0-9A-F]{64}$/);
    expect(fingerprintHex(publicIdentity(generateIdentity()))).not.toBe(a);
  });
});
