// read-cache-v1: a local cache of opened content under a key from the vault
// (docs/spec/read-cache-v1.md). Callers choose the lookup bytes and the payload format.

export { ReadCache, type ReadCacheStore } from './cache.ts';
export { entryId, KEY_LENGTH, openEntry, sealEntry } from './entry.ts';
