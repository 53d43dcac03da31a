// Adding user IDs to one's own key (a newly claimed inbox address): the key material and so the
// fingerprint stay (RFC 9580 §5.5.4: the fingerprint covers the public key packet only); every
// user ID and subkey gets a fresh self-signature (openpgp.js reformatKey). A directory that merges
// on publish keeps the old signatures beside the new ones.

import { type PrivateKey, reformatKey } from 'openpgp';
import { NoiseError } from '../errors.ts';
import { RANDOM_PASSPHRASE_CONFIG } from './config.ts';
import { unlockPrivateKey } from './keys.ts';

function userIdsOf(key: PrivateKey): { name?: string; email: string }[] {
  const out: { name?: string; email: string }[] = [];
  for (const u of key.users) {
    const id = u.userID;
    if (!id?.email) continue;
    out.push(id.name ? { name: id.name, email: id.email } : { email: id.email });
  }
  return out;
}

/**
 * The private key (armored, protected by `passphrase`, a random one kept in the vault) with a user
 * ID for each of `emails` it lacks; unchanged when it has them all.
 */
export async function withUserIds(
  armoredPrivate: string,
  passphrase: string,
  emails: readonly string[],
): Promise<{ privateKey: string; publicKey: string; added: string[] }> {
  const key = await unlockPrivateKey(armoredPrivate, passphrase);
  const present = userIdsOf(key);
  if (present.length === 0) throw new NoiseError('key_unusable', 'the key has no user ID with an address');
  const have = new Set(present.map((u) => u.email.toLowerCase()));
  const added = [...new Set(emails.map((e) => e.toLowerCase()))].filter((e) => !have.has(e));
  if (added.length === 0) return { privateKey: armoredPrivate, publicKey: key.toPublic().armor(), added };
  const { privateKey, publicKey } = await reformatKey({
    privateKey: key,
    userIDs: [...present, ...added.map((email) => ({ email }))],
    passphrase,
    // The key's primary user ID stays first; it never expires, as generateKey made it.
    keyExpirationTime: 0,
    format: 'armored',
    config: RANDOM_PASSPHRASE_CONFIG,
  });
  return { privateKey, publicKey, added };
}
