// AES-256-GCM through WebCrypto (§1.3): measured 20–25× faster than a JS implementation on Node 22,
// and native in every browser we target. Authentication failures become NoiseError('tampered').

import { NoiseError } from '../errors.ts';

export const TAG_LENGTH = 16;
export const NONCE_LENGTH = 12;

/** WebCrypto wants ArrayBuffer-backed views; ours always are (no SharedArrayBuffer). */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

/** AesGcmParams, spelled out: the Workers type library (which type-checks the Worker) has no such name. */
interface GcmParams {
  name: 'AES-GCM';
  iv: Uint8Array<ArrayBuffer>;
  tagLength: number;
  additionalData?: Uint8Array<ArrayBuffer>;
}

export function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bufferSource(raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function aesGcmSeal(
  key: CryptoKey,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  associatedData?: Uint8Array,
): Promise<Uint8Array> {
  const params: GcmParams = { name: 'AES-GCM', iv: bufferSource(nonce), tagLength: 128 };
  if (associatedData) params.additionalData = bufferSource(associatedData);
  return new Uint8Array(await crypto.subtle.encrypt(params, key, bufferSource(plaintext)));
}

export async function aesGcmOpen(
  key: CryptoKey,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array | undefined,
  what: string,
): Promise<Uint8Array> {
  if (ciphertext.length < TAG_LENGTH) throw new NoiseError('malformed', `${what}: shorter than its tag`);
  const params: GcmParams = { name: 'AES-GCM', iv: bufferSource(nonce), tagLength: 128 };
  if (associatedData) params.additionalData = bufferSource(associatedData);
  try {
    return new Uint8Array(await crypto.subtle.decrypt(params, key, bufferSource(ciphertext)));
  } catch {
    throw new NoiseError('tampered', `${what}: authentication failed`);
  }
}
