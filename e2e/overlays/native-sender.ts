// A native (envelope) correspondent driven from the test, not a browser: carol registers on the
// scene's Worker with real envelope keys, seals messages to bob from the bundles the directory
// hands out, and later has another identity published for her address (as a directory that was
// tricked or turned would). Used by the overlays suites to show pinned identities and replays.

import {
  generateIdentitySecrets,
  type IdentitySecrets,
  publicEnvelopeKeys,
  publicPgpKey,
} from '../../extension/background/identity.ts';
import { createDirectoryLookups } from '../../extension/background/overlay-directory.ts';
import { anonymousClient } from '../../extension/background/server.ts';
import { lazyTransparency } from '../../extension/background/transparency-test-support.ts';
import { apiClient, memorySessionStore } from '../../shared/api/client.ts';
import { utf8 } from '../../shared/encoding.ts';
import {
  armorEnvelope,
  identitySecretFromJson,
  sealBytes,
  signedPrekeySecretFromJson,
} from '../../shared/envelope/index.ts';
import { buildInnerEntity } from '../../shared/pgp/mime-build.ts';
import { registerAccount } from '../harness/accounts.ts';
import type { Scene } from './scene.ts';

/** On the service domain: registration needs no mailed proof. */
export const CAROL = 'carol@noise.localhost';

export async function nativeSender(scene: Scene, address = CAROL) {
  let identity = await generateIdentitySecrets(address, () => {});
  const registered = await registerAccount(scene.worker.url, {
    address,
    openpgpKey: await publicPgpKey(identity),
    envelope: publicEnvelopeKeys(identity),
  });
  const api = apiClient({ baseUrl: scene.worker.url, session: memorySessionStore(registered.session) });
  const directory = createDirectoryLookups(
    async () => scene.worker.url,
    (url) => anonymousClient(url),
    // Its answers' transparency proofs checked, as the extension's background does.
    lazyTransparency(),
  );
  return {
    address,
    get identity(): IdentitySecrets {
      return identity;
    },
    /** A signed, protected-header message to `to`, sealed to the bundle the directory hands out now. */
    async sealTo(to: string, subject: string, text: string): Promise<string> {
      const bundle = await directory.bundle(to);
      if (!bundle) throw new Error(`no bundle for ${to}`);
      const entity = buildInnerEntity(
        { from: { address }, to: [{ address: to }], cc: [], subject, text, attachments: [] },
        { protectedHeaders: true },
      );
      const sealed = await sealBytes(
        utf8(entity),
        {
          address,
          deviceId: '',
          identity: identitySecretFromJson(identity.envelope.identity),
          signedPrekey: signedPrekeySecretFromJson(identity.envelope.signedPrekeys[0]!),
        },
        [bundle],
      );
      return armorEnvelope(sealed);
    },
    /** The directory binds another identity (and OpenPGP key) to the address from now on. */
    async replaceIdentity(): Promise<IdentitySecrets> {
      identity = await generateIdentitySecrets(address, () => {});
      await api.directory.publishKeys({
        openpgpKey: await publicPgpKey(identity),
        envelope: publicEnvelopeKeys(identity),
      });
      return identity;
    },
  };
}
