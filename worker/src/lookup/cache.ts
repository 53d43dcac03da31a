// Workers Cache API in front of the public lookups. Every lookup maps to one canonical cache
// URL (so `?options=mr` variants or case differences share an entry), and every directory
// change deletes the URLs of all affected addresses, fingerprints and key IDs.
// caches.default is per data centre: a deletion reaches only the local one, so entries also
// expire after LOOKUP_MAX_AGE seconds, which bounds staleness elsewhere.

import type { Bindings } from '../env.ts';
import { wkdHash } from './wkd-hash.ts';

export const LOOKUP_MAX_AGE = 60;

export type CacheKind =
  | 'vks-email'
  | 'vks-fpr'
  | 'vks-keyid'
  | 'hkp-index-email'
  | 'hkp-index-fpr'
  | 'hkp-index-keyid'
  | 'json-email'
  | 'json-fpr'
  | 'wkd';

export function cacheUrl(env: Pick<Bindings, 'SERVICE_DOMAIN'>, kind: CacheKind, value: string): string {
  return `https://${env.SERVICE_DOMAIN}/.directory-cache/v1/${kind}/${encodeURIComponent(value)}`;
}

const NO_STORE = new WeakSet<Response>();

/**
 * Marks an answer the cache must not keep: one found through a subkey, whose cache URL
 * (the subkey's fingerprint or key ID) a later key change would not know to delete.
 */
export function uncacheable(res: Response): Response {
  NO_STORE.add(res);
  return res;
}

/** Serves from cache, or produces, stores (200 only) and serves. */
export async function cachedLookup(
  env: Pick<Bindings, 'SERVICE_DOMAIN'>,
  kind: CacheKind,
  value: string,
  produce: () => Promise<Response>,
): Promise<Response> {
  const url = cacheUrl(env, kind, value);
  const cache = caches.default;
  const hit = await cache.match(url);
  // A fresh Response: headers of cached responses are immutable, and CORS adds its own.
  if (hit) return new Response(hit.body, hit);
  const res = await produce();
  if (res.status !== 200 || NO_STORE.has(res)) return res;
  res.headers.set('Cache-Control', `public, max-age=${LOOKUP_MAX_AGE}`);
  await cache.put(url, res.clone());
  return res;
}

export interface DirectoryChange {
  fingerprints: Iterable<string>;
  keyIds: Iterable<string>;
  addresses: Iterable<string>;
}

export function affectedCacheUrls(env: Pick<Bindings, 'SERVICE_DOMAIN'>, change: DirectoryChange): string[] {
  const urls = new Set<string>();
  for (const fpr of change.fingerprints) {
    for (const kind of ['vks-fpr', 'hkp-index-fpr', 'json-fpr'] as const) urls.add(cacheUrl(env, kind, fpr));
  }
  for (const keyId of change.keyIds) {
    for (const kind of ['vks-keyid', 'hkp-index-keyid'] as const) urls.add(cacheUrl(env, kind, keyId));
  }
  const domain = `@${env.SERVICE_DOMAIN.toLowerCase()}`;
  for (const address of change.addresses) {
    for (const kind of ['vks-email', 'hkp-index-email', 'json-email'] as const)
      urls.add(cacheUrl(env, kind, address));
    if (address.endsWith(domain)) urls.add(cacheUrl(env, 'wkd', wkdHash(address.slice(0, -domain.length))));
  }
  return [...urls];
}

export async function invalidateLookups(
  env: Pick<Bindings, 'SERVICE_DOMAIN'>,
  change: DirectoryChange,
): Promise<void> {
  const cache = caches.default;
  await Promise.all(affectedCacheUrls(env, change).map((url) => cache.delete(url)));
}
