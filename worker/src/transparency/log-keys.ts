// The log's keys (docs/spec/transparency-v1.md §7.2): the Ed25519 checkpoint key and the VRF
// key, from secrets. Production fails closed: without both secrets the log refuses to write or
// serve, and so the directory refuses to change. Only ENVIRONMENT = "development" falls back to
// fixed keys named after SERVICE_DOMAIN.

import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, utf8 } from '../../../shared/encoding.ts';
import {
  ed25519NoteSigner,
  formatVerifierKey,
  type NoteSigner,
  parseSignerKey,
  SIG_ED25519,
  vrfPublicKey,
} from '../../../shared/transparency/index.ts';
import type { Bindings } from '../env.ts';
import { isDevelopment } from '../http/config.ts';
import { ApiError } from '../http/errors.ts';

export type LogEnv = Pick<Bindings, 'SERVICE_DOMAIN' | 'ENVIRONMENT' | 'LOG_SIGNING_KEY' | 'LOG_VRF_KEY'>;

export interface LogKeys {
  signer: NoteSigner;
  /** The C2SP verifier key of `signer` (GET /api/v1/log/key). */
  vkey: string;
  vrfSecret: Uint8Array;
  vrfPublic: Uint8Array;
}

const unavailable = () => new ApiError(503, 'log_unavailable', 'The transparency log is not configured.');
const developmentSeed = (what: string) => sha256(utf8(`noise.email/transparency/v1/development/${what}`));

function signerOf(env: LogEnv, development: boolean): NoteSigner {
  if (env.LOG_SIGNING_KEY) return parseSignerKey(env.LOG_SIGNING_KEY);
  if (development) return ed25519NoteSigner(`${env.SERVICE_DOMAIN}/log`, developmentSeed('log-key'));
  throw unavailable();
}

function vrfSecretOf(env: LogEnv, development: boolean): Uint8Array {
  if (env.LOG_VRF_KEY) {
    const seed = fromBase64(env.LOG_VRF_KEY.trim());
    if (seed.length !== 32) throw unavailable();
    return seed;
  }
  if (development) return developmentSeed('vrf-key');
  throw unavailable();
}

let cached: { id: string; keys: LogKeys } | null = null;

/** The log's keys, or ApiError 503 `log_unavailable` (production without secrets). */
export function logKeys(env: LogEnv): LogKeys {
  const development = isDevelopment(env);
  const id = [env.LOG_SIGNING_KEY, env.LOG_VRF_KEY, env.SERVICE_DOMAIN, development].join('\n');
  if (cached?.id === id) return cached.keys;
  let keys: LogKeys;
  try {
    const signer = signerOf(env, development);
    const vrfSecret = vrfSecretOf(env, development);
    keys = {
      signer,
      vkey: formatVerifierKey(signer.name, SIG_ED25519, signer.publicKey),
      vrfSecret,
      vrfPublic: vrfPublicKey(vrfSecret),
    };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    console.error('transparency: unusable log key secret');
    throw unavailable();
  }
  cached = { id, keys };
  return keys;
}
