// Two cache tiers in front of the public lookups: the isolate's memory, then the Workers Cache
// API (caches.default), then D1. Every lookup maps to one canonical cache URL (so `?options=mr`
// variants or case differences share an entry), and every directory change deletes the URLs
// of all affected addresses, fingerprints and key IDs from both tiers.
// A deletion reaches only this isolate's memory and this data centre's cache, so entries also
// expire: LOOKUP_MAX_AGE seconds in caches.default, MEMORY_TTL_MS in memory. That bounds how
// long another isolate or data centre may serve a key after it changed.
// Why memory at all: under `wrangler dev` caches.default is a SQLite-backed service about as
// costly as a D1 read; in production the memory tier also saves the cache round trip.

import { domainOf, localPartOf, normalizeDomain } from '../../../shared/address.ts';
import { wkdHash } from '../../../shared/wkd/hash.ts';
import type { Bindings } from '../env.ts';

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

export const MEMORY_TTL_MS = 30_000;
const MEMORY_MAX_ENTRIES = 2000;

interface MemoryEntry {
  body: Uint8Array;
  headers: [string, string][];
  expires: number;
}

/** Insertion-ordered, so the first key is the oldest entry. */
const memory = new Map<string, MemoryEntry>();
/**
 * Bumped by every invalidation in this isolate: a lookup that read D1 before a change landed
 * must not store its (now stale) answer after the change deleted the entries.
 */
let generation = 0;

function remember(url: string, body: Uint8Array, headers: Headers) {
  if (memory.size >= MEMORY_MAX_ENTRIES) memory.delete(memory.keys().next().value as string);
  memory.set(url, { body, headers: [...headers], expires: Date.now() + MEMORY_TTL_MS });
}

function recall(url: string): Response | null {
  const entry = memory.get(url);
  if (!entry) return null;
  if (entry.expires <= Date.now()) {
    memory.delete(url);
    return null;
  }
  return new Response(entry.body, { headers: entry.headers });
}

/** Empties this isolate's memory tier (tests use it to reach the caches.default tier). */
export function forgetMemoryTier(): void {
  memory.clear();
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
  const fromMemory = recall(url);
  if (fromMemory) return fromMemory;
  const cache = caches.default;
  const hit = await cache.match(url);
  if (hit) {
    const body = new Uint8Array(await hit.arrayBuffer());
    remember(url, body, hit.headers);
    // A fresh Response: headers of cached responses are immutable, and CORS adds its own.
    return new Response(body, { headers: hit.headers });
  }
  const startedAt = generation;
  const res = await produce();
  if (res.status !== 200 || NO_STORE.has(res) || startedAt !== generation) return res;
  res.headers.set('Cache-Control', `public, max-age=${LOOKUP_MAX_AGE}`);
  const body = new Uint8Array(await res.arrayBuffer());
  await cache.put(url, new Response(body, { headers: res.headers }));
  remember(url, body, res.headers);
  return new Response(body, { headers: res.headers });
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
  const serviceDomain = normalizeDomain(env.SERVICE_DOMAIN);
  for (const address of change.addresses) {
    for (const kind of ['vks-email', 'hkp-index-email', 'json-email'] as const)
      urls.add(cacheUrl(env, kind, address));
    if (domainOf(address) === serviceDomain) urls.add(cacheUrl(env, 'wkd', wkdHash(localPartOf(address))));
  }
  return [...urls];
}

export async function invalidateLookups(
  env: Pick<Bindings, 'SERVICE_DOMAIN'>,
  change: DirectoryChange,
): Promise<void> {
  const cache = caches.default;
  const urls = affectedCacheUrls(env, change);
  generation += 1;
  for (const url of urls) memory.delete(url);
  await Promise.all(urls.map((url) => cache.delete(url)));
}
