// Test support for the directory side: real accounts through the real register route, real
// OpenPGP keys (openpgp.js) and real envelope keys (noble), requests through SELF.fetch.

import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import * as openpgp from 'openpgp';
import { KDF_DEFAULTS, RegisterResponse } from '../../../shared/api/accounts.ts';
import type { EnvelopeKeys, OneTimePrekey, SignedPrekey } from '../../../shared/api/directory.ts';
import { toBase64Url, utf8 } from '../../../shared/encoding.ts';
import { identityDhMessage, signedPrekeyMessage } from '../../../shared/envelope/identity.ts';
import { api } from '../support/accounts.ts';

// One request helper for both test sides: `call` is the accounts side's `api`.
export { BASE } from '../support/accounts.ts';
export const call = api;

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

let counter = 0;
/** A fresh inbox on the test SERVICE_DOMAIN (noise.localhost, wrangler.toml). */
export function freshAddress(prefix = 'dir'): string {
  counter += 1;
  return `${prefix}${counter}-${toBase64Url(random(4))
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}@noise.localhost`;
}

export async function newOpenpgpKey(userIDs: openpgp.UserID[]) {
  return openpgp.generateKey({ type: 'ecc', userIDs, format: 'object' });
}

/** Envelope identity and prekeys, with the secrets the test needs to sign more. */
export function newEnvelope(oneTimePrekeys: number, firstId = 1) {
  const signingSecret = ed25519.utils.randomSecretKey();
  const signingKey = ed25519.getPublicKey(signingSecret);
  const dhKey = x25519.getPublicKey(x25519.utils.randomSecretKey());
  const keys: EnvelopeKeys = {
    identity: {
      signingKey: toBase64Url(signingKey),
      dhKey: toBase64Url(dhKey),
      dhKeySignature: toBase64Url(ed25519.sign(identityDhMessage(dhKey), signingSecret)),
    },
    signedPrekey: signedPrekey(signingSecret, 1),
    oneTimePrekeys: oneTimePrekeyBatch(firstId, oneTimePrekeys),
  };
  return { keys, signingSecret };
}

export function signedPrekey(
  signingSecret: Uint8Array,
  id: number,
  createdAt = Math.floor(Date.now() / 1000),
): SignedPrekey {
  const publicKey = x25519.getPublicKey(x25519.utils.randomSecretKey());
  return {
    id,
    createdAt,
    publicKey: toBase64Url(publicKey),
    signature: toBase64Url(ed25519.sign(signedPrekeyMessage(id, createdAt, publicKey), signingSecret)),
  };
}

export function oneTimePrekeyBatch(firstId: number, count: number): OneTimePrekey[] {
  return Array.from({ length: count }, (_, i) => ({
    id: firstId + i,
    publicKey: toBase64Url(x25519.getPublicKey(x25519.utils.randomSecretKey())),
  }));
}

export interface TestAccount {
  address: string;
  accountId: string;
  token: string;
  fingerprint: string;
  privateKey: openpgp.PrivateKey;
  publicKey: openpgp.PublicKey;
  revocationCertificate: string;
  signingSecret?: Uint8Array;
}

/** Registers through POST /api/v1/accounts (a service inbox needs no proof). */
export async function registerAccount(
  options: {
    address?: string;
    extraUserIds?: openpgp.UserID[];
    oneTimePrekeys?: number;
    envelope?: boolean;
  } = {},
): Promise<TestAccount> {
  const address = options.address ?? freshAddress();
  const generated = await newOpenpgpKey([
    { name: 'Test User', email: address },
    ...(options.extraUserIds ?? []),
  ]);
  const envelope = options.envelope === false ? undefined : newEnvelope(options.oneTimePrekeys ?? 0);
  const registered = await registerWithKey(address, generated.publicKey.armor(), envelope?.keys);
  return {
    address,
    accountId: registered.accountId,
    token: registered.session.accessToken,
    fingerprint: registered.fingerprint,
    privateKey: generated.privateKey,
    publicKey: generated.publicKey,
    revocationCertificate: generated.revocationCertificate,
    signingSecret: envelope?.signingSecret,
  };
}

/** The register route's answer for `address` with the given armored key. */
export function registerRequest(
  address: string,
  openpgpKey: string,
  envelope?: EnvelopeKeys,
): Promise<Response> {
  return call('/api/v1/accounts', {
    method: 'POST',
    json: {
      address,
      kdf: { ...KDF_DEFAULTS, salt: toBase64Url(random(16)) },
      authKey: toBase64Url(random(32)),
      vault: toBase64Url(utf8('{}')),
      keys: { openpgpKey, ...(envelope ? { envelope } : {}) },
      deviceName: 'directory test',
    },
  });
}

/** Registers `address` with the given armored key through the real register route. */
export async function registerWithKey(address: string, openpgpKey: string, envelope?: EnvelopeKeys) {
  const res = await registerRequest(address, openpgpKey, envelope);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return RegisterResponse.parse(await res.json());
}

/** User ID emails of every key in an armored or binary key response. */
export async function userIdEmails(body: string | Uint8Array): Promise<string[]> {
  const keys =
    typeof body === 'string'
      ? await openpgp.readKeys({ armoredKeys: body })
      : await openpgp.readKeys({ binaryKeys: body });
  return keys.flatMap((k) => k.users.map((u) => u.userID?.email ?? '(attribute)'));
}

/** Response body as text without workerd's content-type warning (application/pgp-keys is text). */
export async function bodyText(res: Response): Promise<string> {
  return new TextDecoder().decode(await res.arrayBuffer());
}

export async function publish(token: string, openpgpKey: string, envelope?: EnvelopeKeys): Promise<Response> {
  return call('/api/v1/directory/keys', {
    method: 'POST',
    token,
    json: { openpgpKey, ...(envelope ? { envelope } : {}) },
  });
}
