// The relay's key pairs (docs/spec/relay-v1.md §2): derived from the RELAY_KEY secret (and
// RELAY_PREVIOUS_KEY during a rotation). Production without the secret fails closed: sealed sends
// and the key document answer 503 relay_not_configured, and nothing is sealed to a key anyone
// could know. Only ENVIRONMENT = "development" falls back to a fixed, published development key.

import { fromBase64Url, toBase64Url, toHex, utf8 } from '../../../shared/encoding.ts';
import {
  deriveRelayKeyPair,
  MIN_IKM_LENGTH,
  type RelayKeyPair,
  SUITE_NAME,
} from '../../../shared/relay/index.ts';
import type { Bindings } from '../env.ts';
import { isDevelopment } from '../http/config.ts';
import { ApiError } from '../http/errors.ts';

type KeyEnv = Pick<Bindings, 'ENVIRONMENT' | 'RELAY_KEY' | 'RELAY_PREVIOUS_KEY' | 'RELAY_KEY_ROTATES_AT'>;

/** Development only, and public by being in the source: never seals anything real. */
const DEVELOPMENT_IKM = utf8('noise.email development relay key: set RELAY_KEY in production');

interface RelayKeys {
  current: RelayKeyPair;
  /** Keys that still open seals: the current one first. */
  opening: RelayKeyPair[];
  rotatesAt: string | null;
}

// Derived once per isolate and secret: DeriveKeyPair is a few hashes and an X25519 base point
// multiplication, but there is no reason to repeat it per request.
let cached: { source: string; keys: Promise<RelayKeys> } | undefined;

function secretBytes(text: string, name: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(text.trim());
  } catch {
    throw new ApiError(503, 'relay_not_configured', `${name} is not base64url.`);
  }
  if (bytes.length < MIN_IKM_LENGTH)
    throw new ApiError(503, 'relay_not_configured', `${name} must hold at least ${MIN_IKM_LENGTH} bytes.`);
  return bytes;
}

function rotationDate(text: string | undefined): string | null {
  if (!text) return null;
  const t = Date.parse(text);
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

export function relayKeys(env: KeyEnv): Promise<RelayKeys> {
  const development = isDevelopment(env);
  if (!env.RELAY_KEY && !development)
    throw new ApiError(503, 'relay_not_configured', 'The relay has no key: sealed sending is off.');
  const source = `${env.RELAY_KEY ?? ''}|${env.RELAY_PREVIOUS_KEY ?? ''}|${env.RELAY_KEY_ROTATES_AT ?? ''}`;
  if (cached?.source === source) return cached.keys;
  const current = env.RELAY_KEY ? secretBytes(env.RELAY_KEY, 'RELAY_KEY') : DEVELOPMENT_IKM;
  const previous = env.RELAY_PREVIOUS_KEY ? secretBytes(env.RELAY_PREVIOUS_KEY, 'RELAY_PREVIOUS_KEY') : null;
  const keys = (async () => {
    const pair = await deriveRelayKeyPair(current);
    const old = previous ? await deriveRelayKeyPair(previous) : null;
    return {
      current: pair,
      opening: old ? [pair, old] : [pair],
      rotatesAt: rotationDate(env.RELAY_KEY_ROTATES_AT),
    };
  })();
  cached = { source, keys };
  return keys;
}

/** docs/spec/relay-v1.md §2.3, the body of GET /.well-known/noise-relay-key. */
export function keyDocument(keys: RelayKeys) {
  return {
    v: 1 as const,
    suite: SUITE_NAME,
    keyId: toHex(keys.current.keyId),
    publicKey: toBase64Url(keys.current.publicKey),
    rotatesAt: keys.rotatesAt,
  };
}
