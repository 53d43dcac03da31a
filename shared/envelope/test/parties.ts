// Test parties: a sender and recipients with real keys, built through the public API only.

import {
  generateIdentity,
  generateOneTimePrekeys,
  generateSignedPrekey,
  type IdentitySecret,
  type OneTimePrekeySecret,
  publicIdentity,
  publicOneTimePrekey,
  publicSignedPrekey,
  type RandomSource,
  type RecipientBundle,
  type RecipientKeys,
  type SignedPrekeySecret,
} from '../index.ts';

export interface Party {
  address: string;
  deviceId: string;
  identity: IdentitySecret;
  signedPrekey: SignedPrekeySecret;
  oneTimePrekeys: OneTimePrekeySecret[];
}

export function makeParty(address: string, deviceId = '', random?: RandomSource): Party {
  const opts = random ? { random } : {};
  return {
    address,
    deviceId,
    identity: generateIdentity(opts),
    signedPrekey: generateSignedPrekey(7, 1_763_900_000, opts),
    oneTimePrekeys: generateOneTimePrekeys(100, 3, opts),
  };
}

/** The bundle the directory would hand out, with or without the first one-time prekey. */
export function bundleOf(p: Party, withOneTimePrekey = true): RecipientBundle {
  return {
    address: p.address,
    deviceId: p.deviceId,
    identity: publicIdentity(p.identity),
    signedPrekey: publicSignedPrekey(p.identity, p.signedPrekey),
    oneTimePrekey: withOneTimePrekey ? publicOneTimePrekey(p.oneTimePrekeys[0]!) : null,
  };
}

export function keysOf(p: Party): RecipientKeys {
  return {
    address: p.address,
    deviceId: p.deviceId,
    identity: p.identity,
    signedPrekeys: [p.signedPrekey],
    oneTimePrekeys: p.oneTimePrekeys,
  };
}
