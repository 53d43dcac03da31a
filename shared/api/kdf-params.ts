// The passphrase KDF parameters as the API carries them (./accounts.ts KdfParams: named fields)
// and as shared/kdf takes them (m, t, p). One mapping for the extension and the CLI.

import type { KdfParams as ClientKdfParams } from '../kdf/passphrase.ts';
import type { KdfParams as ServerKdfParams } from './accounts.ts';

export function toServerKdf(k: ClientKdfParams): ServerKdfParams {
  return {
    algorithm: 'argon2id',
    version: 19,
    iterations: k.t,
    memoryKiB: k.m,
    parallelism: k.p,
    salt: k.salt,
  } as ServerKdfParams;
}

export function fromServerKdf(k: ServerKdfParams): ClientKdfParams {
  return { v: 1, alg: 'argon2id', m: k.memoryKiB, t: k.iterations, p: k.parallelism, salt: k.salt };
}
