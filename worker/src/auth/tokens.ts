// Opaque bearer secrets (access/refresh tokens, verification ids, proofs). D1 stores only
// their SHA-256: the tokens carry 256 bits of randomness, so a plain hash is enough to make
// a leaked table useless (no salt or slow hash needed for high-entropy secrets).

import { toBase64Url, toHex, utf8 } from '../../../shared/encoding.ts';

export const ACCESS_TOKEN_TTL_MS = 15 * 60 * 1000;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export function newToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export function newId(): string {
  return newToken(16);
}

export async function tokenHash(token: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(token))));
}

/** Reads `Authorization: Bearer <token>`; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer ([A-Za-z0-9_-]{16,200})$/);
  return m?.[1];
}
