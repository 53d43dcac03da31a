// The one mapping of public envelope keys to and from their JSON form: a round trip is exact,
// and what it yields satisfies the API schemas (docs/api.md) the Worker checks uploads with.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeIdentity, OneTimePrekey, PrekeyBundle, SignedPrekey } from '../api/directory.ts';
import {
  bundleFromJson,
  identityFromJson,
  identityToJson,
  oneTimePrekeyFromJson,
  oneTimePrekeyToJson,
  signedPrekeyFromJson,
  signedPrekeyToJson,
} from './public-json.ts';

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const identity = fc.record({ signingKey: bytes(32), dhKey: bytes(32), dhKeySignature: bytes(64) });
const spk = fc.record({
  id: u32,
  createdAt: fc.integer({ min: 0, max: 2 ** 40 }),
  publicKey: bytes(32),
  signature: bytes(64),
});
const opk = fc.record({ id: u32, publicKey: bytes(32) });

describe('public envelope keys in JSON', () => {
  it('round-trips exactly, in the schemas the API checks', () => {
    fc.assert(
      fc.property(identity, spk, opk, (id, s, o) => {
        expect(EnvelopeIdentity.parse(identityToJson(id))).toEqual(identityToJson(id));
        expect(identityFromJson(identityToJson(id))).toEqual(id);
        expect(SignedPrekey.safeParse(signedPrekeyToJson(s)).success).toBe(true);
        expect(signedPrekeyFromJson(signedPrekeyToJson(s))).toEqual(s);
        expect(OneTimePrekey.safeParse(oneTimePrekeyToJson(o)).success).toBe(true);
        expect(oneTimePrekeyFromJson(oneTimePrekeyToJson(o))).toEqual(o);
      }),
    );
  });

  it('reads a directory bundle: no device id is the only device, no one-time prekey is null', () => {
    fc.assert(
      fc.property(identity, spk, fc.option(opk), (id, s, o) => {
        const json = {
          address: 'bob@example.org',
          identity: identityToJson(id),
          signedPrekey: signedPrekeyToJson(s),
          oneTimePrekey: o ? oneTimePrekeyToJson(o) : null,
          noOneTimePrekey: o === null,
          remaining: 0,
          // The OpenPGP key the bundle's transparency leaf names (required since the proofs).
          fingerprint: 'A'.repeat(40),
        };
        expect(PrekeyBundle.safeParse(json).success).toBe(true);
        expect(bundleFromJson(json)).toEqual({
          address: 'bob@example.org',
          deviceId: '',
          identity: id,
          signedPrekey: s,
          oneTimePrekey: o,
        });
      }),
    );
  });
});
