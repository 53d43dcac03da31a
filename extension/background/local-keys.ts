// Keys for what the extension keeps on this device beside the vault: the read cache of opened
// envelopes (docs/spec/read-cache-v1.md §5), the replay ledger's keyed ids and the server session
// at rest. They come from the envelope identity inside the vault (HKDF, one label each), so they
// exist only while unlocked, are the same on every device of the account, and need no storage of
// their own; whoever holds the device's storage but not the vault learns nothing from them.

import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, fromBase64Url, utf8 } from '../../shared/encoding.ts';
import type { IdentitySecrets } from './identity.ts';

export type LocalKeyPurpose = 'read-cache' | 'replay-ledger' | 'session';

export function localKey(identity: IdentitySecrets, purpose: LocalKeyPurpose): Uint8Array {
  const ikm = concatBytes(
    fromBase64Url(identity.envelope.identity.signingSecret),
    fromBase64Url(identity.envelope.identity.dhSecret),
  );
  const key = hkdf(sha256, ikm, new Uint8Array(0), utf8(`noise.email/extension/${purpose}-key/v1`), 32);
  ikm.fill(0);
  return key;
}
