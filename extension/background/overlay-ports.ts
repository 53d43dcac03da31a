// Wires the overlay port router to the background's custody, contacts, settings, the account's
// directory (lookups and bundles through the one API client) and the prekey custody.
import { onConnect } from '../overlay/runtime-port.ts';
import { extensionId, extensionOrigin } from '../platform/browser.ts';
import type { Records } from '../store/records.ts';
import type { AccountSecrets } from './account.ts';
import { inspectPublicKey, observeKey } from './contacts.ts';
import type { Custody } from './custody.ts';
import { ExtensionError } from './errors.ts';
import { createOverlayRouter, type OverlayHooks } from './overlay.ts';
import { UnlockedKeyCache } from './overlay-crypto.ts';
import { createDirectoryLookups } from './overlay-directory.ts';
import { createOverlayKeySource } from './overlay-keys.ts';
import type { PrekeyCustody } from './prekey-custody.ts';
import { anonymousClient } from './server.ts';
import { createTransparency } from './transparency.ts';

export function startOverlayPorts(
  ready: Promise<Records>,
  custody: Custody<AccountSecrets>,
  prekeys: Promise<PrekeyCustody>,
  lockNotices?: OverlayHooks['lockNotices'],
): void {
  const transparency = ready.then((records) =>
    createTransparency({ records, log: (url) => anonymousClient(url).log }),
  );
  const directory = createDirectoryLookups(
    async () => (await (await ready).settings()).serverUrl,
    (url) => anonymousClient(url),
    {
      verifyAnswer: async (...args) => (await transparency).verifyAnswer(...args),
      load: async (url) => (await transparency).load(url),
    },
  );
  const cache = new UnlockedKeyCache();
  // The opened key goes when the extension locks, not at the next read: the background may keep
  // running long after (the content script keeps it alive while a webmail tab is in view).
  custody.onLock(() => cache.clear());
  const route = createOverlayRouter(
    {
      keys: createOverlayKeySource({
        records: ready,
        custody,
        directory,
        prekeys,
        onLocked: () => cache.clear(),
      }),
      cache,
      async importKey(armored) {
        const { addresses } = await inspectPublicKey(armored);
        const address = addresses[0];
        if (!address)
          throw new ExtensionError('invalid_key', 'The key has no email address in its user IDs.');
        const c = await observeKey(await ready, address, armored, 'manual');
        return { fingerprint: c.fingerprint };
      },
      ownAddress: async () => (await custody.current())?.identity.address ?? null,
      touch: () => {
        custody.touch().catch(() => {});
      },
      lockNotices,
    },
    { id: extensionId(), origin: extensionOrigin() },
  );
  onConnect(route);
}
