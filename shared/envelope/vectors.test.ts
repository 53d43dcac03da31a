// Known-answer vectors (shared/envelope/vectors/*.json, source recorded in each file): the builder
// must reproduce every file byte for byte, and every envelope must open or fail as its `expect` says.

import { readdirSync, readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { equalBytes, fromHex, toHex } from '../encoding.ts';
import { isNoiseError } from '../errors.ts';
import {
  identitySecretFromJson,
  oneTimePrekeySecretFromJson,
  openBytes,
  publicIdentity,
  publicOneTimePrekey,
  publicSignedPrekey,
  type RecipientKeys,
  sealBytes,
  signedPrekeySecretFromJson,
} from './index.ts';
import { drbg } from './test/drbg.ts';
import { buildVectors, type EnvelopeVector, rebuild } from './test/vectors-build.ts';

const dir = new URL('./vectors/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const committed = Object.fromEntries(
  files.map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as EnvelopeVector]),
);

function keysOf(v: EnvelopeVector): RecipientKeys {
  const r = v.recipient;
  return {
    address: r.address,
    deviceId: r.deviceId,
    identity: identitySecretFromJson(r.identity),
    signedPrekeys: [signedPrekeySecretFromJson(r.signedPrekey)],
    oneTimePrekeys: v.recipientHoldsOneTimePrekey ? [oneTimePrekeySecretFromJson(r.oneTimePrekey)] : [],
  };
}

function patterned(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

describe('envelope known-answer vectors', () => {
  let built: Record<string, EnvelopeVector>;
  beforeAll(async () => {
    built = await buildVectors();
  });

  it('are all committed and reproduce byte for byte', () => {
    expect(files.sort()).toEqual(Object.keys(built).sort());
    for (const [name, vector] of Object.entries(built)) {
      expect(JSON.parse(JSON.stringify(vector)), name).toEqual(committed[name]);
    }
  });

  it.each(files)('%s opens or fails as expected', async (name) => {
    const v = committed[name]!;
    const envelope = v.envelope ? fromHex(v.envelope) : null;
    if (envelope) expect(toHex(sha256(envelope))).toBe(v.envelopeSha256);
    const bytes = envelope ?? (v.recipe ? await rebuilt(v) : await reproduce(v));
    let outcome: string;
    try {
      const { plaintext, verdict } = await openBytes(bytes, keysOf(v));
      const want = v.plaintext ? fromHex(v.plaintext) : patterned(v.plaintextPattern!.length);
      expect(equalBytes(plaintext, want)).toBe(true); // toEqual on 0.5 MB is slow
      expect(verdict.oneTimePrekeyUsed).toBe(v.oneTimePrekeyUsed);
      expect(verdict.createdAt).toBe(v.createdAt);
      outcome = 'success';
    } catch (e) {
      if (!isNoiseError(e)) throw e;
      outcome = e.code;
    }
    expect(outcome).toBe(v.expect);
  });
});

/** Vectors too large to commit are built by their recipe; the hash pins the result. */
async function rebuilt(v: EnvelopeVector): Promise<Uint8Array> {
  const envelope = await rebuild(v.recipe!);
  expect(toHex(sha256(envelope))).toBe(v.envelopeSha256);
  return envelope;
}

/** Large vectors store only the envelope hash; re-seal from the recorded inputs and check it. */
async function reproduce(v: EnvelopeVector): Promise<Uint8Array> {
  const s = v.sender;
  const r = keysOf(v);
  const envelope = await sealBytes(
    patterned(v.plaintextPattern!.length),
    {
      address: s.address,
      deviceId: s.deviceId,
      identity: identitySecretFromJson(s.identity),
      signedPrekey: signedPrekeySecretFromJson(s.signedPrekey),
    },
    [
      {
        address: r.address,
        deviceId: r.deviceId,
        identity: publicIdentity(r.identity),
        signedPrekey: publicSignedPrekey(r.identity, r.signedPrekeys[0]!),
        oneTimePrekey: v.bundleHasOneTimePrekey
          ? publicOneTimePrekey(oneTimePrekeySecretFromJson(v.recipient.oneTimePrekey))
          : null,
      },
    ],
    { random: drbg(v.randomSeed), createdAt: v.createdAt },
  );
  expect(toHex(sha256(envelope))).toBe(v.envelopeSha256);
  return envelope;
}
