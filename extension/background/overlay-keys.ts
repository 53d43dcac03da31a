// Where the overlays find keys (overlay-crypto.ts OverlayKeySource), wired to the background's
// custody, contacts and pins (IndexedDB), the directory (through the one API client) and the
// prekey custody of the read path. No browser API here, so e2e tests wire the same thing.

import type { Records } from '../store/records.ts';
import type { AccountSecrets } from './account.ts';
import type { Custody } from './custody.ts';
import { checkPin, observeEnvelopeIdentity } from './envelope-pins.ts';
import type { OverlayKeySource } from './overlay-crypto.ts';
import type { createDirectoryLookups } from './overlay-directory.ts';
import type { PrekeyCustody } from './prekey-custody.ts';

export function createOverlayKeySource(deps: {
  records: Promise<Records>;
  custody: Custody<AccountSecrets>;
  directory: ReturnType<typeof createDirectoryLookups>;
  prekeys: Promise<PrekeyCustody>;
  /** Called when the secrets are found locked (the opened OpenPGP key goes too). */
  onLocked?: () => void;
}): OverlayKeySource {
  const { custody, directory } = deps;
  return {
    secrets: async () => {
      const s = await custody.current();
      if (!s) deps.onLocked?.();
      return s?.identity ?? null;
    },
    contacts: async () =>
      (await (await deps.records).contacts()).map(({ address, armoredKey, fingerprint, source }) => ({
        address,
        armoredKey,
        fingerprint,
        source,
      })),
    lookup: (address, opts) => directory.lookup(address, opts),
    bundle: (address) => directory.bundle(address),
    envelopeFingerprint: (address) => directory.envelopeFingerprint(address),
    async envelopeReading(read) {
      const s = await custody.current();
      return s ? (await deps.prekeys).reading(s, read) : null;
    },
    async envelopePin(address, seen, { pinIfNew, openpgpKey }) {
      const records = await deps.records;
      return pinIfNew
        ? observeEnvelopeIdentity(records, address, seen, openpgpKey)
        : checkPin(records, address, seen);
    },
  };
}
