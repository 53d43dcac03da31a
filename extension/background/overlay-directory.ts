// The overlay's view of the key directory (our Worker), through the one API client: lookups that
// spend nothing (the OpenPGP key and the envelope identity public keys), reused for a bounded
// time, and prekey bundles for sealing, which spend one one-time prekey each (so only fetched to
// encrypt to a recipient, never to read). Nothing is published: 404 is "no key". Every answer's
// transparency proof is checked first (transparency.ts): one that fails throws, never a key.

import { normalizeAddress } from '../../shared/address.ts';
import { type ApiClient, isApiClientError } from '../../shared/api/client.ts';
import { identityFingerprint } from '../../shared/envelope/identity.ts';
import {
  bundleFromJson,
  fingerprintHex,
  identityFromJson,
  type RecipientBundle,
  verifyIdentityAsync,
} from '../../shared/envelope/index.ts';
import type { DirectoryEntry } from './overlay-crypto.ts';
import { servedByLookup, type Transparency } from './transparency.ts';

/**
 * How long a lookup answer is reused. The Worker's own lookup cache may serve an answer this old
 * (worker/src/lookup/cache.ts LOOKUP_MAX_AGE), so reusing it here adds no staleness beyond that.
 */
export const LOOKUP_REUSE_MS = 60_000;

interface LookupAnswer {
  entry: DirectoryEntry;
  /** Uppercase hex fingerprint of the verified envelope identity, or null. */
  envelopeFingerprint: string | null;
}

export function createDirectoryLookups(
  serverUrl: () => Promise<string>,
  client: (serverUrl: string) => ApiClient,
  transparency: Pick<Transparency, 'verifyAnswer' | 'load'>,
  now: () => number = Date.now,
) {
  async function fetchLookup(address: string): Promise<LookupAnswer | null> {
    const url = await serverUrl();
    const found = await client(url).directory.lookupByEmail(address);
    if (!found || found.revoked) return null;
    const { fingerprint, openpgpKey, envelope, envelopeIdentity } = found;
    const identity = envelopeIdentity && identityFromJson(envelopeIdentity);
    // transparency-v1 §9.1: the log must bind exactly this key and identity to the address.
    const logged = await transparency.verifyAnswer(url, servedByLookup(address, found), found.transparency);
    // envelope-v1: the identity's DH key must carry its signing key's signature; an identity
    // that fails is not bound to the address at all. (verifyIdentity, through WebCrypto.)
    const envelopeFingerprint =
      identity && (await verifyIdentityAsync(identity)) ? fingerprintHex(identity) : null;
    return {
      entry: { fingerprint, openpgpKey, envelope, keyLoggedAt: logged.keyLoggedAt },
      envelopeFingerprint,
    };
  }

  // Answers (and lookups in flight) per address in normal form; failures and 404s are not kept.
  const answers = new Map<string, { at: number; answer: Promise<LookupAnswer | null> }>();
  function lookupOnce(address: string, fresh = false): Promise<LookupAnswer | null> {
    const key = normalizeAddress(address);
    const held = answers.get(key);
    if (!fresh && held && now() - held.at < LOOKUP_REUSE_MS) return held.answer;
    const answer = fetchLookup(key);
    answers.set(key, { at: now(), answer });
    answer.then(
      (a) => {
        if (a === null && answers.get(key)?.answer === answer) answers.delete(key);
      },
      () => {
        if (answers.get(key)?.answer === answer) answers.delete(key);
      },
    );
    return answer;
  }

  return {
    /** The verified envelope identity fingerprint the directory binds to `address`, or null. */
    async envelopeFingerprint(address: string): Promise<string | null> {
      return (await lookupOnce(address))?.envelopeFingerprint ?? null;
    },
    /**
     * `fresh` asks the directory again (and keeps that answer): compose decides from it which
     * identity to seal to, so a change must show at once (envelope-pins.ts).
     */
    async lookup(address: string, opts: { fresh?: boolean } = {}): Promise<DirectoryEntry | null> {
      return (await lookupOnce(address, opts.fresh))?.entry ?? null;
    },
    /** Spends one of the recipient's one-time prekeys: call only to seal a message to them. */
    async bundle(address: string): Promise<RecipientBundle | null> {
      let b: Awaited<ReturnType<ApiClient['directory']['fetchBundle']>>;
      const url = await serverUrl();
      try {
        // The size of the checkpoint held: the answer then carries the consistency proof from it.
        const held = (await transparency.load(url)).checkpoint?.size;
        b = await client(url).directory.fetchBundle(address, held);
      } catch (e) {
        if (isApiClientError(e) && e.status === 404) return null;
        throw e;
      }
      const bundle = bundleFromJson(b);
      await transparency.verifyAnswer(
        url,
        {
          address: normalizeAddress(address),
          openpgp: b.fingerprint,
          envelope: identityFingerprint(bundle.identity),
        },
        b.transparency,
      );
      return bundle;
    },
  };
}
