// Whether the directory may publish a key: the client's own policy (shared/pgp/policy.ts and
// assertEncryptionKey, the check the extension and the CLI make before encrypting), so the
// directory never serves a key our clients would refuse, plus the key version it publishes.

import type * as openpgp from 'openpgp';
import { isNoiseError } from '../../../shared/errors.ts';
import { assertEncryptionKey } from '../../../shared/pgp/keys.ts';
import { unpublishableVersion, weaknessOf } from '../../../shared/pgp/policy.ts';
import { ApiError } from '../http/errors.ts';

/** Refuses v6 keys, weak algorithms, and revoked, expired or encryption-less keys (400). */
export async function checkPublishable(key: openpgp.PublicKey): Promise<void> {
  const version = unpublishableVersion(key);
  if (version) throw new ApiError(400, 'unsupported_key_version', `${version}.`);
  const weakness = weaknessOf(key);
  if (weakness) throw new ApiError(400, 'weak_key', `The key is too weak: ${weakness}.`);
  try {
    await assertEncryptionKey(key);
  } catch (e) {
    if (isNoiseError(e)) throw new ApiError(400, 'key_unusable', `The key cannot be used: ${e.message}.`);
    throw e;
  }
}
