// Key directory calls of the one API client (shared/api/client.ts): publishing, prekeys and
// lookups, over its transport. Shapes and routes: ./directory.ts, docs/api.md.

import {
  DIRECTORY_ROUTES,
  KeyLookupResponse,
  type OneTimePrekey,
  PrekeyBundle,
  PrekeyStock,
  type PublishKeysRequest,
  PublishKeysResponse,
  RevocationResponse,
  type SignedPrekey,
  SignedPrekeyResponse,
} from './directory.ts';
import type { Transport } from './transport.ts';

export function directoryCalls({ call, lookup }: Transport) {
  return {
    publishKeys: (body: PublishKeysRequest) =>
      call(PublishKeysResponse, DIRECTORY_ROUTES.keys, { method: 'POST', json: body, auth: true }),
    publishRevocation: (revocation: string) =>
      call(RevocationResponse, DIRECTORY_ROUTES.revocation, {
        method: 'POST',
        json: { revocation },
        auth: true,
      }),
    uploadSignedPrekey: (spk: SignedPrekey) =>
      call(SignedPrekeyResponse, DIRECTORY_ROUTES.signedPrekey, { method: 'PUT', json: spk, auth: true }),
    uploadOneTimePrekeys: (oneTimePrekeys: OneTimePrekey[]) =>
      call(PrekeyStock, DIRECTORY_ROUTES.oneTimePrekeys, {
        method: 'POST',
        json: { oneTimePrekeys },
        auth: true,
      }),
    prekeyStock: () => call(PrekeyStock, DIRECTORY_ROUTES.prekeyStock, { method: 'GET', auth: true }),
    /** Takes one one-time prekey from the recipient's stock (if any is left): only to seal to them. */
    /** `logSize`: the client's last verified checkpoint size, for a consistency proof (transparency-v1 §8). */
    fetchBundle: (address: string, logSize?: number) =>
      call(PrekeyBundle, DIRECTORY_ROUTES.bundle(address, logSize), { method: 'POST', auth: false }),
    lookupByEmail: (address: string) => lookup(KeyLookupResponse, DIRECTORY_ROUTES.byEmail(address)),
    lookupByFingerprint: (fingerprint: string) =>
      lookup(KeyLookupResponse, DIRECTORY_ROUTES.byFingerprint(fingerprint)),
  };
}

export type DirectoryCalls = ReturnType<typeof directoryCalls>;
