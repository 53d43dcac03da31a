// The overlay's view of the key directory (our Worker): lookups that spend nothing, and prekey
// bundles for sealing, which spend one one-time prekey each (so only fetched to encrypt).
// Responses are validated with the shared schemas; anything else counts as "no key".

import { DIRECTORY_ROUTES, KeyLookupResponse, PrekeyBundle } from '../../shared/api/directory.ts';
import { fromBase64Url } from '../../shared/encoding.ts';
import { fingerprintHex, type RecipientBundle } from '../../shared/envelope/index.ts';
import type { DirectoryEntry } from './overlay-crypto.ts';

export function createDirectoryClient(serverUrl: () => Promise<string>, fetcher: typeof fetch = fetch) {
  async function get(path: string, method: 'GET' | 'POST' = 'GET'): Promise<unknown | null> {
    const res = await fetcher(new URL(path, await serverUrl()), {
      method,
      headers: { accept: 'application/json' },
    });
    if (res.status === 404) return null;
    if (!res.ok) throw new Error(`directory answered ${res.status}`);
    return res.json();
  }
  // The directory's lookups do not carry the envelope identity, and a bundle fetch spends a
  // one-time prekey: remember each sender's identity for the background's lifetime.
  const identities = new Map<string, string | null>();
  const client = {
    async envelopeFingerprint(address: string): Promise<string | null> {
      const key = address.toLowerCase();
      if (!identities.has(key)) {
        const b = await client.bundle(key);
        identities.set(key, b ? fingerprintHex(b.identity) : null);
      }
      return identities.get(key) ?? null;
    },
    async lookup(address: string): Promise<DirectoryEntry | null> {
      const parsed = KeyLookupResponse.safeParse(await get(DIRECTORY_ROUTES.byEmail(address)));
      if (!parsed.success || parsed.data.revoked) return null;
      const { fingerprint, openpgpKey, envelope } = parsed.data;
      return { fingerprint, openpgpKey, envelope };
    },
    async bundle(address: string): Promise<RecipientBundle | null> {
      const parsed = PrekeyBundle.safeParse(await get(DIRECTORY_ROUTES.bundle(address), 'POST'));
      if (!parsed.success) return null;
      const b = parsed.data;
      return {
        address: b.address,
        deviceId: '',
        identity: {
          signingKey: fromBase64Url(b.identity.signingKey),
          dhKey: fromBase64Url(b.identity.dhKey),
          dhKeySignature: fromBase64Url(b.identity.dhKeySignature),
        },
        signedPrekey: {
          id: b.signedPrekey.id,
          createdAt: b.signedPrekey.createdAt,
          publicKey: fromBase64Url(b.signedPrekey.publicKey),
          signature: fromBase64Url(b.signedPrekey.signature),
        },
        oneTimePrekey: b.oneTimePrekey
          ? { id: b.oneTimePrekey.id, publicKey: fromBase64Url(b.oneTimePrekey.publicKey) }
          : null,
      };
    },
  };
  return client;
}
