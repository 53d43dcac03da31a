// read-cache-v1 (docs/spec/read-cache-v1.md): one sealed entry of a local cache of opened content.
// The store sees only entry ids (HMACs of the caller's lookup bytes) and sealed entries; both are
// bound together, so an entry moved to another id, changed or cut fails as 'tampered'.

import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, fromHex, toHex, utf8 } from '../encoding.ts';
import { aesGcmOpen, aesGcmSeal, importAesKey, NONCE_LENGTH, TAG_LENGTH } from '../envelope/aead.ts';
import { NoiseError } from '../errors.ts';

export const LABEL_FORMAT = 'noise.email/read-cache/v1';
const LABEL_INDEX = 'noise.email/read-cache/v1/index';
const LABEL_ENTRY = 'noise.email/read-cache/v1/entry';
/** §3: every entry starts with the format label and a zero byte. */
export const MAGIC = concatBytes(utf8(LABEL_FORMAT), new Uint8Array([0]));
export const KEY_LENGTH = 32;

function checkKey(cacheKey: Uint8Array): void {
  if (!(cacheKey instanceof Uint8Array) || cacheKey.length !== KEY_LENGTH)
    throw new NoiseError('invalid_argument', 'read cache: the key must be 32 bytes');
}

/** §2: entryId = HMAC-SHA256(HKDF(cacheKey, "", LABEL_INDEX, 32), lookup), as lowercase hex. */
export function entryId(cacheKey: Uint8Array, lookup: Uint8Array): string {
  checkKey(cacheKey);
  const indexKey = hkdf(sha256, cacheKey, new Uint8Array(0), utf8(LABEL_INDEX), 32);
  const id = hmac(sha256, indexKey, lookup);
  indexKey.fill(0);
  return toHex(id);
}

function entryKey(cacheKey: Uint8Array, id: string): Promise<CryptoKey> {
  const raw = hkdf(sha256, cacheKey, fromHex(id), utf8(LABEL_ENTRY), 32);
  const key = importAesKey(raw);
  raw.fill(0);
  return key;
}

function associatedData(id: string): Uint8Array {
  return concatBytes(MAGIC, fromHex(id));
}

function checkId(id: string): void {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new NoiseError('invalid_argument', 'read cache: not an entry id');
}

/** §3: MAGIC ‖ nonce ‖ AES-256-GCM(entryKey, nonce, payload, MAGIC ‖ entryId). */
export async function sealEntry(
  cacheKey: Uint8Array,
  id: string,
  payload: Uint8Array,
  random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n)),
): Promise<Uint8Array> {
  checkKey(cacheKey);
  checkId(id);
  const nonce = random(NONCE_LENGTH);
  const sealed = await aesGcmSeal(await entryKey(cacheKey, id), nonce, payload, associatedData(id));
  return concatBytes(MAGIC, nonce, sealed);
}

/** §4: the payload of an entry stored under `id`; 'malformed' or 'tampered' otherwise. */
export async function openEntry(cacheKey: Uint8Array, id: string, entry: Uint8Array): Promise<Uint8Array> {
  checkKey(cacheKey);
  checkId(id);
  if (
    entry.length < MAGIC.length + NONCE_LENGTH + TAG_LENGTH ||
    !equalBytes(entry.subarray(0, MAGIC.length), MAGIC)
  )
    throw new NoiseError('malformed', 'read cache: not a v1 entry');
  const nonce = entry.subarray(MAGIC.length, MAGIC.length + NONCE_LENGTH);
  return aesGcmOpen(
    await entryKey(cacheKey, id),
    nonce,
    entry.subarray(MAGIC.length + NONCE_LENGTH),
    associatedData(id),
    'read cache entry',
  );
}
