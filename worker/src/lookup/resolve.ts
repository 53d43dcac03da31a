// Parsing of lookup queries (addresses, fingerprints, key IDs) and the rows they resolve to.

import { parseAddress } from '../../../shared/address.ts';
import {
  type BindingRow,
  bindingsOfKey,
  type KeyRow,
  keyByAddress,
  keyByFingerprint,
  keyByKeyId,
} from '../directory/keys-table.ts';
import type { Bindings } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import { clientKey } from './client-key.ts';

export type KeyQuery =
  | { kind: 'email'; value: string }
  | { kind: 'fpr'; value: string }
  | { kind: 'keyid'; value: string };

/** An address in a lookup, in normal form (docs/api.md, Addresses); 400 when it is none. */
export function addressQuery(raw: string): string {
  const address = parseAddress(raw);
  if (!address) throw new ApiError(400, 'invalid_address', 'Not an email address.');
  return address;
}

export function parseFingerprint(raw: string): string {
  const hex = raw.replace(/^0x/i, '').toUpperCase();
  if (!/^(?:[0-9A-F]{40}|[0-9A-F]{64})$/.test(hex))
    throw new ApiError(400, 'invalid_fingerprint', 'A fingerprint is 40 (v4) or 64 (v6) hex digits.');
  return hex;
}

export function parseKeyId(raw: string): string {
  const hex = raw.replace(/^0x/i, '').toUpperCase();
  if (!/^[0-9A-F]{16}$/.test(hex)) throw new ApiError(400, 'invalid_key_id', 'A key ID is 16 hex digits.');
  return hex;
}

/** HKP `search=`: 0x + 16 or 40/64 hex digits, or an exact address (optionally in <>). */
export function parseHkpSearch(raw: string): KeyQuery {
  const search = raw.trim();
  if (/^0x[0-9a-f]+$/i.test(search)) {
    const hex = search.slice(2);
    if (hex.length === 16) return { kind: 'keyid', value: parseKeyId(hex) };
    return { kind: 'fpr', value: parseFingerprint(hex) };
  }
  const bracketed = search.match(/<([^<>]+)>\s*$/);
  return { kind: 'email', value: addressQuery(bracketed ? bracketed[1]! : search) };
}

export async function findKey(db: D1Database, q: KeyQuery): Promise<KeyRow | null> {
  if (q.kind === 'email') return keyByAddress(db, q.value);
  if (q.kind === 'fpr') return keyByFingerprint(db, q.value);
  return keyByKeyId(db, q.value);
}

export function notFound(): ApiError {
  return new ApiError(404, 'not_found', 'No key found for this query.');
}

export async function keyAndBindings(
  db: D1Database,
  q: KeyQuery,
): Promise<{ key: KeyRow; bindings: BindingRow[] } | null> {
  const key = await findKey(db, q);
  if (!key) return null;
  return { key, bindings: await bindingsOfKey(db, key.fingerprint) };
}

/**
 * LOOKUP_LIMITER (approximate, per client) guards the D1 path; cache hits skip it. Without
 * CF-Connecting-IP there is no Cloudflare edge in front (local dev) and no client to key on.
 */
export async function limitLookup(env: Bindings, clientIp: string | undefined): Promise<void> {
  const client = clientKey(clientIp);
  if (!env.LOOKUP_LIMITER || !client) return;
  const { success } = await env.LOOKUP_LIMITER.limit({ key: `lookup:${client}` });
  if (!success) throw new ApiError(429, 'rate_limited', 'Too many lookups; try again shortly.');
}

export function requesterOf(headers: { header(name: string): string | undefined }): string {
  return clientKey(headers.header('CF-Connecting-IP')) ?? 'local';
}
