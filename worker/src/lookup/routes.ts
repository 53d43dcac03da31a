// Public lookups, any origin: the own JSON API, VKS v1, HKP and WKD (direct and
// advanced method paths). All go through the lookup cache; misses are rate-limited per requester.

import { type Context, Hono } from 'hono';
import { normalizeDomain } from '../../../shared/address.ts';
import type { KeyLookupResponse } from '../../../shared/api/directory.ts';
import { identityToJson } from '../../../shared/envelope/public-json.ts';
import { bindingByWkdHash, keyByFingerprint } from '../directory/keys-table.ts';
import { keyForAddress } from '../directory/openpgp-key.ts';
import type { AppEnv } from '../env.ts';
import { limitBody } from '../http/body-limit.ts';
import { publicCors } from '../http/cors.ts';
import { ApiError } from '../http/errors.ts';
import { hasEnvelope, identityOf } from '../prekeys/prekeys-table.ts';
import { servedFingerprints, withProof } from '../transparency/served-proof.ts';
import { type CacheKind, cachedLookup, uncacheable } from './cache.ts';
import { hkpIndex } from './hkp-index.ts';
import {
  addressQuery,
  type KeyQuery,
  keyAndBindings,
  limitLookup,
  notFound,
  parseFingerprint,
  parseHkpSearch,
  parseKeyId,
} from './resolve.ts';

// biome-ignore lint/suspicious/noExplicitAny: any route path and input
type Ctx = Context<AppEnv, any>;

const PGP_KEYS = 'application/pgp-keys';
const VKS_KIND: Record<KeyQuery['kind'], CacheKind> = {
  email: 'vks-email',
  fpr: 'vks-fpr',
  keyid: 'vks-keyid',
};
const INDEX_KIND: Record<KeyQuery['kind'], CacheKind> = {
  email: 'hkp-index-email',
  fpr: 'hkp-index-fpr',
  keyid: 'hkp-index-keyid',
};

function armoredKey(c: Ctx, q: KeyQuery): Promise<Response> {
  return cachedLookup(c.env, VKS_KIND[q.kind], q.value, async () => {
    await limitLookup(c.env, c.req.header('CF-Connecting-IP'));
    const found = await keyAndBindings(c.env.DB, q);
    if (!found) throw notFound();
    const res = new Response(found.key.armoredKey, { headers: { 'Content-Type': PGP_KEYS } });
    return found.key.viaSubkey ? uncacheable(res) : res;
  });
}

/** The JSON answer for a key: what it serves, and the fingerprints a proof bundle must name. */
async function jsonAnswer(db: D1Database, q: KeyQuery) {
  const found = await keyAndBindings(db, q);
  if (!found) return null;
  const { key, bindings } = found;
  const [envelope, identity] = await Promise.all([
    hasEnvelope(db, key.accountId),
    identityOf(db, key.accountId),
  ]);
  const body: KeyLookupResponse = {
    fingerprint: key.fingerprint,
    keyId: key.keyId,
    addresses: bindings.map((b) => b.address),
    createdAt: key.createdAt,
    updatedAt: key.updatedAt,
    revoked: key.revoked,
    openpgpKey: key.armoredKey,
    envelope,
    // Public data; publishKeys invalidates these cache entries when the identity changes.
    envelopeIdentity: identity && identityToJson(identity),
  };
  return {
    value: { body, viaSubkey: key.viaSubkey },
    served: servedFingerprints(key.fingerprint, identity),
  };
}

/**
 * By address the answer carries its transparency bundle (docs/spec/transparency-v1.md §8), which
 * names exactly the key served; by fingerprint none. An answer the log does not name is not cached.
 */
function jsonLookup(c: Ctx, q: KeyQuery & { kind: 'email' | 'fpr' }): Promise<Response> {
  return cachedLookup(c.env, q.kind === 'email' ? 'json-email' : 'json-fpr', q.value, async () => {
    await limitLookup(c.env, c.req.header('CF-Connecting-IP'));
    const read = () => jsonAnswer(c.env.DB, q);
    const answer =
      q.kind === 'email'
        ? await withProof(c.env, q.value, read, { reread: true })
        : await read().then((a) => a && { value: a.value, bundle: null, missing: false });
    if (!answer) throw notFound();
    const { body, viaSubkey } = answer.value;
    const res = Response.json(answer.bundle ? { ...body, transparency: answer.bundle } : body);
    return viaSubkey || answer.missing ? uncacheable(res) : res;
  });
}

function wkdKey(c: Ctx, hash: string): Promise<Response> {
  if (!/^[ybndrfg8ejkmcpqxot1uwisza345h769]{32}$/.test(hash))
    throw new ApiError(400, 'invalid_wkd_hash', 'A WKD hash is 32 z-base32 characters.');
  return cachedLookup(c.env, 'wkd', hash, async () => {
    await limitLookup(c.env, c.req.header('CF-Connecting-IP'));
    const binding = await bindingByWkdHash(c.env.DB, hash);
    const key = binding && (await keyByFingerprint(c.env.DB, binding.fingerprint));
    if (!binding || !key) throw notFound();
    const body = await keyForAddress(key.binaryKey, binding.address);
    return new Response(body, { headers: { 'Content-Type': 'application/octet-stream' } });
  });
}

function policy(c: Ctx) {
  // draft-koch-openpgp-webkey-service §4.5: the policy file's presence announces WKD support.
  return c.body('# Noise Email web key directory (direct method)\n', 200, {
    'Content-Type': 'text/plain; charset=utf-8',
  });
}

export const lookupRoutes = new Hono<AppEnv>()
  .use('/api/v1/lookup/*', publicCors, limitBody(1024))
  .use('/vks/*', publicCors, limitBody(1024))
  .use('/pks/*', publicCors, limitBody(1024))
  .use('/.well-known/openpgpkey/*', publicCors, limitBody(1024))
  .get('/api/v1/lookup/by-email/:address', (c) =>
    jsonLookup(c, { kind: 'email', value: addressQuery(c.req.param('address')) }),
  )
  .get('/api/v1/lookup/by-fingerprint/:fpr', (c) =>
    jsonLookup(c, { kind: 'fpr', value: parseFingerprint(c.req.param('fpr')) }),
  )
  .get('/vks/v1/by-email/:address', (c) =>
    armoredKey(c, { kind: 'email', value: addressQuery(c.req.param('address')) }),
  )
  .get('/vks/v1/by-fingerprint/:fpr', (c) => {
    const raw = c.req.param('fpr');
    // VKS v1: uppercase hex only.
    if (raw !== raw.toUpperCase())
      throw new ApiError(400, 'invalid_fingerprint', 'Fingerprints are uppercase hex.');
    return armoredKey(c, { kind: 'fpr', value: parseFingerprint(raw) });
  })
  .get('/vks/v1/by-keyid/:keyid', (c) => {
    const raw = c.req.param('keyid');
    if (raw !== raw.toUpperCase()) throw new ApiError(400, 'invalid_key_id', 'Key IDs are uppercase hex.');
    return armoredKey(c, { kind: 'keyid', value: parseKeyId(raw) });
  })
  .get('/pks/lookup', (c) => {
    const op = c.req.query('op');
    const search = c.req.query('search');
    if (!search) throw new ApiError(400, 'invalid_search', 'search= is required.');
    const q = parseHkpSearch(search);
    if (op === 'get') return armoredKey(c, q);
    if (op === 'index' || op === 'vindex')
      return cachedLookup(c.env, INDEX_KIND[q.kind], q.value, async () => {
        await limitLookup(c.env, c.req.header('CF-Connecting-IP'));
        const found = await keyAndBindings(c.env.DB, q);
        if (!found) throw notFound();
        const res = new Response(hkpIndex([found]), {
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        });
        return found.key.viaSubkey ? uncacheable(res) : res;
      });
    throw new ApiError(400, 'unsupported_op', 'Supported HKP operations: get, index, vindex.');
  })
  .get('/.well-known/openpgpkey/policy', policy)
  .get('/.well-known/openpgpkey/hu/:hash', (c) => wkdKey(c, c.req.param('hash')))
  // Advanced method paths (openpgpkey.<domain>/.well-known/openpgpkey/<domain>/…), same data.
  .get('/.well-known/openpgpkey/:domain/policy', (c) => {
    if (normalizeDomain(c.req.param('domain')) !== normalizeDomain(c.env.SERVICE_DOMAIN)) throw notFound();
    return policy(c);
  })
  .get('/.well-known/openpgpkey/:domain/hu/:hash', (c) => {
    if (normalizeDomain(c.req.param('domain')) !== normalizeDomain(c.env.SERVICE_DOMAIN)) throw notFound();
    return wkdKey(c, c.req.param('hash'));
  });
