// Seeds an account on a running Worker (`startWorker()`) through the real register route, the
// way a client would: POST /api/v1/accounts with the default KDF parameters, a random auth key
// and an opaque vault. Registration on the service domain needs no address proof (docs/api.md, register).

import { KDF_DEFAULTS, RegisterResponse } from '../../shared/api/accounts.ts';
import type { EnvelopeKeys } from '../../shared/api/directory.ts';

export interface SeedAccount {
  address: string;
  /** Armored OpenPGP public key to publish with the account. */
  openpgpKey: string;
  /** Envelope identity and prekeys to publish beside the OpenPGP key. */
  envelope?: EnvelopeKeys;
  deviceName?: string;
}

function randomB64u(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}

/** Registers `account` at `baseUrl`; throws with the Worker's answer unless it is 201. */
export async function registerAccount(baseUrl: string, account: SeedAccount): Promise<RegisterResponse> {
  const res = await fetch(`${baseUrl}/api/v1/accounts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      address: account.address,
      kdf: { ...KDF_DEFAULTS, salt: randomB64u(16) },
      authKey: randomB64u(32),
      vault: randomB64u(64),
      keys: { openpgpKey: account.openpgpKey, ...(account.envelope ? { envelope: account.envelope } : {}) },
      deviceName: account.deviceName ?? 'e2e seed',
    }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return RegisterResponse.parse(await res.json());
}
