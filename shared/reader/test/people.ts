// Alice (the sender) and Bob (the reader) with fresh keys, generated once per test file.

import type { PrivateKey } from 'openpgp';
import { type GeneratedKey, generateKey, unlockPrivateKey } from '../../pgp/keys.ts';

export interface People {
  alice: GeneratedKey;
  bob: GeneratedKey;
  aliceKey: PrivateKey;
  bobKey: PrivateKey;
}

export async function aliceAndBob(): Promise<People> {
  const [alice, bob] = await Promise.all([
    generateKey({ userIds: [{ name: 'Alice', email: 'alice@example.org' }], passphrase: 'a' }),
    generateKey({ userIds: [{ name: 'Bob', email: 'bob@example.net' }], passphrase: 'b' }),
  ]);
  const [aliceKey, bobKey] = await Promise.all([
    unlockPrivateKey(alice.privateKey, 'a'),
    unlockPrivateKey(bob.privateKey, 'b'),
  ]);
  return { alice, bob, aliceKey, bobKey };
}
