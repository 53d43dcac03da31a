// The overlay's directory lookups (over the one API client): the sender's envelope identity comes from the spend-free JSON
// lookup (verified, fingerprinted), never from a prekey bundle; answers are reused for a bounded
// time. The fetcher stands in for the network only: it records requests and answers with bodies
// in the Worker's schema, built from real envelope identities.

import { beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../shared/api/client.ts';
import type { KeyLookupResponse, PrekeyBundle } from '../../shared/api/directory.ts';
import { fromBase64Url, toBase64Url } from '../../shared/encoding.ts';
import { identityFingerprint } from '../../shared/envelope/identity.ts';
import {
  fingerprintHex,
  generateIdentity,
  type PublicIdentity,
  publicIdentity,
} from '../../shared/envelope/index.ts';
import { TestLogServer } from '../../shared/transparency/test/log-server.ts';
import { createDirectoryLookups, LOOKUP_REUSE_MS } from './overlay-directory.ts';
import { lazyTransparency, withLogRoutes } from './transparency-test-support.ts';

/** The one API client over the recording fetcher, its answers' proofs checked as in the background. */
const createDirectoryClient = (url: () => Promise<string>, fetcher: typeof fetch, now?: () => number) =>
  createDirectoryLookups(
    url,
    (baseUrl) => apiClient({ baseUrl, fetch: fetcher }),
    lazyTransparency(fetcher),
    now,
  );

const SERVER = 'https://keys.noise.test';
const FPR = 'A'.repeat(40);

const wire = (id: PublicIdentity) => ({
  signingKey: toBase64Url(id.signingKey),
  dhKey: toBase64Url(id.dhKey),
  dhKeySignature: toBase64Url(id.dhKeySignature),
});

function lookupBody(address: string, identity: KeyLookupResponse['envelopeIdentity']): KeyLookupResponse {
  return {
    fingerprint: FPR,
    keyId: FPR.slice(-16),
    addresses: [address],
    createdAt: 1,
    updatedAt: 1,
    revoked: false,
    openpgpKey: '-----BEGIN PGP PUBLIC KEY BLOCK-----',
    envelope: identity !== null,
    envelopeIdentity: identity,
  };
}

/**
 * Answers lookups from `bodies` (404 when absent) and bundles for any address, each with the proof
 * of a log that records what it serves (TestLogServer); logs the directory requests.
 */
function directory(bodies: Map<string, KeyLookupResponse>, identity: PublicIdentity) {
  const requests: string[] = [];
  const log = new TestLogServer();
  const fetcher = withLogRoutes(log, (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    const address = decodeURIComponent(url.pathname.split('/').pop()!);
    if (url.pathname.startsWith('/api/v1/lookup/by-email/')) {
      const body = bodies.get(address);
      if (!body) return Response.json({ error: { code: 'not_found', message: 'No key.' } }, { status: 404 });
      const id = body.envelopeIdentity;
      const envelope =
        id &&
        identityFingerprint({ signingKey: fromBase64Url(id.signingKey), dhKey: fromBase64Url(id.dhKey) });
      return Response.json({
        ...body,
        transparency: log.prove(address, { openpgp: body.fingerprint, envelope }),
      });
    }
    if (url.pathname.startsWith('/api/v1/prekeys/bundle/') && init?.method === 'POST') {
      const body: PrekeyBundle = {
        address,
        identity: wire(identity),
        signedPrekey: {
          id: 1,
          createdAt: 1,
          publicKey: toBase64Url(identity.dhKey),
          signature: wire(identity).dhKeySignature,
        },
        oneTimePrekey: null,
        noOneTimePrekey: true,
        remaining: 0,
        fingerprint: FPR,
        transparency: log.prove(address, { openpgp: FPR, envelope: identityFingerprint(identity) }),
      };
      return Response.json(body);
    }
    return new Response(null, { status: 500 });
  }) as typeof fetch);
  return { requests, fetcher, log };
}

let alice: PublicIdentity;
let mallory: PublicIdentity;
beforeAll(() => {
  alice = publicIdentity(generateIdentity());
  mallory = publicIdentity(generateIdentity());
});

describe('overlay directory client', () => {
  it('learns the sender identity fingerprint from the lookup, with no bundle fetch', async () => {
    const bodies = new Map([['alice@example.org', lookupBody('alice@example.org', wire(alice))]]);
    const net = directory(bodies, alice);
    const client = createDirectoryClient(async () => SERVER, net.fetcher);
    expect(await client.envelopeFingerprint('Alice@Example.org')).toBe(fingerprintHex(alice));
    expect(await client.lookup('alice@example.org')).toEqual({
      fingerprint: FPR,
      openpgpKey: '-----BEGIN PGP PUBLIC KEY BLOCK-----',
      envelope: true,
      keyLoggedAt: expect.any(Number),
    });
    expect(net.requests).toEqual(['GET /api/v1/lookup/by-email/alice%40example.org']);
  });

  it('binds no identity whose DH key signature does not verify', async () => {
    // Mallory's DH key under Alice's signing key: the signature is Mallory's, not Alice's.
    const forged = {
      ...wire(alice),
      dhKey: wire(mallory).dhKey,
      dhKeySignature: wire(mallory).dhKeySignature,
    };
    const bodies = new Map([['alice@example.org', lookupBody('alice@example.org', forged)]]);
    const client = createDirectoryClient(async () => SERVER, directory(bodies, alice).fetcher);
    expect(await client.envelopeFingerprint('alice@example.org')).toBeNull();
    expect((await client.lookup('alice@example.org'))?.fingerprint).toBe(FPR);
  });

  it('has no fingerprint for accounts without an identity, and none for revoked keys', async () => {
    const bodies = new Map([
      ['pgp@example.org', lookupBody('pgp@example.org', null)],
      ['old@example.org', { ...lookupBody('old@example.org', wire(alice)), revoked: true }],
    ]);
    const client = createDirectoryClient(async () => SERVER, directory(bodies, alice).fetcher);
    expect(await client.envelopeFingerprint('pgp@example.org')).toBeNull();
    expect(await client.envelopeFingerprint('old@example.org')).toBeNull();
    expect(await client.lookup('old@example.org')).toBeNull();
  });

  it('reuses an answer for LOOKUP_REUSE_MS, keeps no 404, and sees a new identity after that', async () => {
    let clock = 1_000_000;
    const bodies = new Map([['alice@example.org', lookupBody('alice@example.org', wire(alice))]]);
    const net = directory(bodies, alice);
    const client = createDirectoryClient(
      async () => SERVER,
      net.fetcher,
      () => clock,
    );
    await Promise.all([client.envelopeFingerprint('alice@example.org'), client.lookup('alice@example.org')]);
    expect(net.requests).toHaveLength(1);
    bodies.set('alice@example.org', lookupBody('alice@example.org', wire(mallory)));
    clock += LOOKUP_REUSE_MS - 1;
    expect(await client.envelopeFingerprint('alice@example.org')).toBe(fingerprintHex(alice));
    clock += 1;
    expect(await client.envelopeFingerprint('alice@example.org')).toBe(fingerprintHex(mallory));
    expect(net.requests).toHaveLength(2);
    expect(await client.lookup('nobody@example.org')).toBeNull();
    expect(await client.lookup('nobody@example.org')).toBeNull();
    expect(net.requests).toHaveLength(4);
  });

  it('fetches a bundle (spending a prekey) only when asked to seal', async () => {
    const net = directory(new Map(), alice);
    const client = createDirectoryClient(async () => SERVER, net.fetcher);
    const bundle = await client.bundle('alice@example.org');
    expect(bundle && fingerprintHex(bundle.identity)).toBe(fingerprintHex(alice));
    expect(net.requests).toEqual(['POST /api/v1/prekeys/bundle/alice%40example.org']);
  });
});
