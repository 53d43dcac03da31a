// The identity a user owns: an OpenPGP v4 ECC key and the native envelope keys (identity,
// signed prekey, one-time prekeys). This is the plaintext inside the vault; it only exists in
// the background, unlocked. Pages see fingerprints and public keys only.

import { z } from 'zod';
import type { EnvelopeKeys } from '../../shared/api/directory.ts';
import { toBase64Url } from '../../shared/encoding.ts';
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
  publicOneTimePrekey,
  publicSignedPrekey,
  signedPrekeySecretFromJson,
  signedPrekeySecretToJson,
} from '../../shared/envelope/keys.ts';
import {
  identityToJson,
  oneTimePrekeyToJson,
  signedPrekeyToJson,
} from '../../shared/envelope/public-json.ts';
import { generateKey, publicKeyOf, readKeyInfo } from '../../shared/pgp/keys.ts';

export const INITIAL_ONE_TIME_PREKEYS = 100;
/** Top up when the directory reports fewer than this many. */
export const ONE_TIME_PREKEY_LOW_WATER = 20;
export const SIGNED_PREKEY_MAX_AGE_MS = 7 * 24 * 60 * 60_000;
/**
 * envelope-v1 §2.3: how long a replaced signed prekey's secret is kept, so mail sealed to it while
 * it was current still opens; then it is deleted. Mail is read late (holidays), so a month rather
 * than Signal's days; an envelope left unopened longer than this after its prekey was replaced
 * cannot be opened any more (the read verdict says so).
 */
export const SIGNED_PREKEY_GRACE_MS = 30 * 24 * 60 * 60_000;

const Key32 = z.string().length(43);
export const IdentitySecrets = z.strictObject({
  v: z.literal(1),
  address: z.string(),
  pgp: z.strictObject({
    /** Armored private key, protected by `keyPassphrase` (random, kept only in here). */
    privateKey: z.string(),
    keyPassphrase: z.string(),
    revocationCertificate: z.string().nullable(),
    fingerprint: z.string(),
  }),
  envelope: z.strictObject({
    identity: z.strictObject({ signingSecret: Key32, dhSecret: Key32 }),
    /** Current signed prekey first; the previous one stays for a grace period. */
    signedPrekeys: z
      .array(z.strictObject({ id: z.number().int(), createdAt: z.number().int(), secret: Key32 }))
      .min(1),
    oneTimePrekeys: z.array(z.strictObject({ id: z.number().int(), secret: Key32 })),
    /**
     * Tombstones (envelope-v1 §2.4): ids of one-time prekeys deleted after an open. A vault merge
     * drops these ids from either side, so another device's older copy cannot bring one back.
     */
    consumedOneTimePrekeys: z.array(z.number().int()).default([]),
    nextPrekeyId: z.number().int(),
  }),
  createdAt: z.number().int(),
  revoked: z.boolean(),
});
export type IdentitySecrets = z.infer<typeof IdentitySecrets>;

export interface Fingerprints {
  pgp: string;
  envelope: string;
}

export type ProgressReport = (step: string, done: number, total: number) => void;

function randomPassphrase(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** `extraAddresses` become further user IDs of the PGP key (e.g. a claimed service inbox). */
export async function generateIdentitySecrets(
  address: string,
  progress: ProgressReport,
  extraAddresses: string[] = [],
): Promise<IdentitySecrets> {
  progress('pgp', 0, 1);
  const keyPassphrase = randomPassphrase();
  const userIds = [address, ...extraAddresses].map((email) => ({ email }));
  const pgp = await generateKey({
    userIds,
    passphrase: keyPassphrase,
    type: 'ecc',
    passphraseIsRandom: true,
  });
  progress('envelope', 0, INITIAL_ONE_TIME_PREKEYS);
  const identity = generateIdentity();
  const spk = generateSignedPrekey(1, nowSeconds());
  const opks = [];
  // Chunks so the progress view moves and the worker stays responsive.
  for (let first = 1; first <= INITIAL_ONE_TIME_PREKEYS; first += 20) {
    opks.push(...generateOneTimePrekeys(first, Math.min(20, INITIAL_ONE_TIME_PREKEYS - first + 1)));
    progress('envelope', opks.length, INITIAL_ONE_TIME_PREKEYS);
    await new Promise((r) => setTimeout(r, 0));
  }
  return {
    v: 1,
    address,
    pgp: {
      privateKey: pgp.privateKey,
      keyPassphrase,
      revocationCertificate: pgp.revocationCertificate,
      fingerprint: pgp.fingerprint,
    },
    envelope: {
      identity: identitySecretToJson(identity),
      signedPrekeys: [signedPrekeySecretToJson(spk)],
      oneTimePrekeys: opks.map(oneTimePrekeySecretToJson),
      consumedOneTimePrekeys: [],
      nextPrekeyId: INITIAL_ONE_TIME_PREKEYS + 1,
    },
    createdAt: Date.now(),
    revoked: false,
  };
}

export function envelopeFingerprint(secrets: IdentitySecrets): string {
  return fingerprintHex(publicIdentity(identitySecretFromJson(secrets.envelope.identity)));
}

export function fingerprintsOf(secrets: IdentitySecrets): Fingerprints {
  return { pgp: secrets.pgp.fingerprint, envelope: envelopeFingerprint(secrets) };
}

export function publicPgpKey(secrets: IdentitySecrets): Promise<string> {
  return publicKeyOf(secrets.pgp.privateKey);
}

/** The public envelope keys as the directory takes them (current signed prekey, given OPKs). */
export function publicEnvelopeKeys(secrets: IdentitySecrets, oneTimePrekeyIds?: Set<number>): EnvelopeKeys {
  const identity = identitySecretFromJson(secrets.envelope.identity);
  const pub = publicIdentity(identity);
  const current = secrets.envelope.signedPrekeys[0];
  if (!current) throw new Error('no signed prekey');
  const spk = publicSignedPrekey(identity, signedPrekeySecretFromJson(current));
  const opks = secrets.envelope.oneTimePrekeys
    .filter((o) => !oneTimePrekeyIds || oneTimePrekeyIds.has(o.id))
    .map((o) => publicOneTimePrekey(oneTimePrekeySecretFromJson(o)));
  return {
    identity: identityToJson(pub),
    signedPrekey: signedPrekeyToJson(spk),
    oneTimePrekeys: opks.map(oneTimePrekeyToJson),
  };
}

/** Adds `count` fresh one-time prekeys; returns the new secrets and the ids to upload. */
export function addOneTimePrekeys(
  secrets: IdentitySecrets,
  count: number,
): { next: IdentitySecrets; ids: Set<number> } {
  const fresh = generateOneTimePrekeys(secrets.envelope.nextPrekeyId, count);
  return {
    next: {
      ...secrets,
      envelope: {
        ...secrets.envelope,
        oneTimePrekeys: [...secrets.envelope.oneTimePrekeys, ...fresh.map(oneTimePrekeySecretToJson)],
        nextPrekeyId: secrets.envelope.nextPrekeyId + count,
      },
    },
    ids: new Set(fresh.map((o) => o.id)),
  };
}

/** A new signed prekey becomes current; replaced ones stay for their grace period only. */
export function rotateSignedPrekey(secrets: IdentitySecrets, now = Date.now()): IdentitySecrets {
  const maxId = Math.max(...secrets.envelope.signedPrekeys.map((s) => s.id));
  const spk = signedPrekeySecretToJson(generateSignedPrekey(maxId + 1, Math.floor(now / 1000)));
  return {
    ...secrets,
    envelope: {
      ...secrets.envelope,
      signedPrekeys: signedPrekeysInGrace([spk, ...secrets.envelope.signedPrekeys], now),
    },
  };
}

type SignedPrekeyJson = IdentitySecrets['envelope']['signedPrekeys'][number];

/**
 * envelope-v1 §2.3: the newest signed prekey, and each older one while the prekey that replaced it
 * is younger than the grace period. A pure function of the set and the time, so a merge with a
 * stale copy cannot keep one alive (no tombstones needed).
 */
export function signedPrekeysInGrace(
  spks: readonly SignedPrekeyJson[],
  now = Date.now(),
): SignedPrekeyJson[] {
  const byId = new Map(spks.map((s) => [s.id, s]));
  const newestFirst = [...byId.values()].sort((a, b) => b.id - a.id);
  return newestFirst.filter(
    (_, i) => i === 0 || now - newestFirst[i - 1]!.createdAt * 1000 < SIGNED_PREKEY_GRACE_MS,
  );
}

/** envelope-v1 §2.4: the one-time prekey `id` deleted after an open, with its tombstone. */
export function consumeOneTimePrekey(secrets: IdentitySecrets, id: number): IdentitySecrets {
  const tombstones = new Set([...secrets.envelope.consumedOneTimePrekeys, id]);
  return {
    ...secrets,
    envelope: {
      ...secrets.envelope,
      oneTimePrekeys: secrets.envelope.oneTimePrekeys.filter((o) => o.id !== id),
      consumedOneTimePrekeys: [...tombstones].sort((a, b) => a - b),
    },
  };
}

export function signedPrekeyAgeMs(secrets: IdentitySecrets, now = Date.now()): number {
  return now - (secrets.envelope.signedPrekeys[0]?.createdAt ?? 0) * 1000;
}

export { readKeyInfo };
