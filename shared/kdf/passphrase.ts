// Passphrase → (authKey, wrapKey). Argon2id (RFC 9106) turns the passphrase into a master secret;
// HKDF-SHA256 (RFC 5869) splits it with distinct labels. Only authKey ever leaves the client;
// wrapKey encrypts the vault. The parameters travel next to what they protect.

import { argon2idAsync } from '@noble/hashes/argon2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64Url, toBase64Url, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';

export const LABEL_AUTH_KEY = 'noise.email/kdf/v1/auth-key';
export const LABEL_WRAP_KEY = 'noise.email/kdf/v1/wrap-key';

export interface KdfParams {
  v: 1;
  alg: 'argon2id';
  /** Memory in KiB. */
  m: number;
  /** Passes. */
  t: number;
  /** Lanes. */
  p: number;
  /** base64url, 16–64 random bytes. */
  salt: string;
}

export interface KdfCost {
  m: number;
  t: number;
  p: number;
}

/**
 * RFC 9106 §4, second recommended option (64 MiB, t = 3, p = 4), the same values the Worker's
 * schema fixes. Measured with noble on Node 22 here: ~1.5 s (sync) to ~2.1 s (async) per derivation.
 */
export const KDF_DEFAULT_COST: KdfCost = { m: 64 * 1024, t: 3, p: 4 };
/** Floor: OWASP's minimum Argon2id configuration (19 MiB, t = 2). */
export const KDF_MIN_COST: KdfCost = { m: 19 * 1024, t: 2, p: 1 };
/** Ceiling: parameters may come from a server; refuse ones that would exhaust a browser tab (DoS). */
const KDF_MAX_COST: KdfCost = { m: 256 * 1024, t: 10, p: 16 };

export interface KdfCheckOptions {
  /** Accept parameters below KDF_MIN_COST. For tests only: weak costs make offline guessing cheap. */
  allowWeakParams?: boolean;
}

interface KdfDeriveOptions extends KdfCheckOptions {
  onProgress?: (fraction: number) => void;
}

interface PassphraseKeys {
  /** Sent to the server at registration and login (the server stores a salted hash). */
  authKey: Uint8Array;
  /** Never leaves the client: the vault key. */
  wrapKey: Uint8Array;
}

function isInt(x: unknown, min: number, max: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
}

/** Validates parameters from storage or a server; throws 'malformed', 'invalid_argument' or 'key_unusable'. */
export function checkKdfParams(params: unknown, opts: KdfCheckOptions = {}): KdfParams {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new NoiseError('malformed', 'kdf: expected an object');
  }
  const o = params as Record<string, unknown>;
  if (Object.keys(o).sort().join() !== 'alg,m,p,salt,t,v')
    throw new NoiseError('malformed', 'kdf: unexpected fields');
  if (o.v !== 1 || o.alg !== 'argon2id')
    throw new NoiseError('unsupported', 'kdf: unknown version or algorithm');
  let salt: Uint8Array;
  try {
    salt = fromBase64Url(String(o.salt));
  } catch {
    throw new NoiseError('malformed', 'kdf: salt is not base64url');
  }
  if (salt.length < 16 || salt.length > 64)
    throw new NoiseError('malformed', 'kdf: salt must be 16–64 bytes');
  if (
    !isInt(o.p, 1, KDF_MAX_COST.p) ||
    !isInt(o.t, 1, KDF_MAX_COST.t) ||
    !isInt(o.m, 8 * o.p, KDF_MAX_COST.m)
  ) {
    throw new NoiseError('invalid_argument', 'kdf: cost out of range');
  }
  if (!opts.allowWeakParams && (o.m < KDF_MIN_COST.m || o.t < KDF_MIN_COST.t)) {
    throw new NoiseError('key_unusable', 'kdf: cost below the minimum');
  }
  return { v: 1, alg: 'argon2id', m: o.m, t: o.t, p: o.p, salt: String(o.salt) };
}

/** Fresh parameters with a random 16-byte salt (RFC 9106 §3.1: 128-bit salt). */
export function newKdfParams(
  opts: KdfCheckOptions & { cost?: KdfCost; random?: (n: number) => Uint8Array } = {},
) {
  const cost = opts.cost ?? KDF_DEFAULT_COST;
  const salt = opts.random ? opts.random(16) : crypto.getRandomValues(new Uint8Array(16));
  return checkKdfParams({ v: 1, alg: 'argon2id', ...cost, salt: toBase64Url(salt) }, opts);
}

/** RFC 8265 §4.2 (OpaqueString): NFC, so the same passphrase typed on another system gives the same key. */
function normalizePassphrase(passphrase: string): Uint8Array {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new NoiseError('invalid_argument', 'passphrase: expected a non-empty string');
  }
  return utf8(passphrase.normalize('NFC'));
}

export async function derivePassphraseKeys(
  passphrase: string,
  params: KdfParams,
  opts: KdfDeriveOptions = {},
): Promise<PassphraseKeys> {
  const p = checkKdfParams(params, opts);
  const password = normalizePassphrase(passphrase);
  const master = await argon2idAsync(password, fromBase64Url(p.salt), {
    m: p.m,
    t: p.t,
    p: p.p,
    dkLen: 32,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  password.fill(0);
  const empty = new Uint8Array(0);
  const keys = {
    authKey: hkdf(sha256, master, empty, utf8(LABEL_AUTH_KEY), 32),
    wrapKey: hkdf(sha256, master, empty, utf8(LABEL_WRAP_KEY), 32),
  };
  master.fill(0);
  return keys;
}
