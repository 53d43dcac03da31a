// The contact commands: the contact list, lookups (our directory with its transparency proof,
// then WKD and keys.openpgp.org when the setting allows), imports, first-seen pins and their
// verification (contacts.ts, docs/threat-model.md).

import type { CoreHandlers } from '../messages/protocol.ts';
import type { Records } from '../store/records.ts';
import type { VaultRecord } from '../store/schema.ts';
import { acceptKeyChange, contactsNamed, contactView, observeKey, verifyContact } from './contacts.ts';
import { ExtensionError } from './errors.ts';
import { readKeyInfo } from './identity.ts';
import { type KeyServerBases, lookupKeyServers } from './keyservers.ts';
import type { TransparencyService } from './transparency-handlers.ts';

type ContactCommand = Extract<keyof CoreHandlers, `contacts.${string}`>;

export function contactHandlers(
  records: Records,
  transparency: TransparencyService,
  keyServers: KeyServerBases,
  /** The account's vault record: contacts are looked up on its server. */
  vault: () => Promise<VaultRecord>,
): Pick<CoreHandlers, ContactCommand> {
  return {
    async 'contacts.list'() {
      return (await records.contacts()).map(contactView);
    },

    async 'contacts.byName'({ name }) {
      return contactsNamed(await records.contacts(), name);
    },

    async 'contacts.lookup'({ address }) {
      const record = await vault();
      let found: Awaited<ReturnType<TransparencyService['directoryKey']>> = null;
      let failure: unknown = null;
      try {
        found = await transparency.directoryKey(record.serverUrl, address);
      } catch (e) {
        // A key our directory served without a valid proof is refused, never replaced by another.
        if (e instanceof ExtensionError && e.code.startsWith('transparency_')) throw e;
        failure = e;
      }
      if (found)
        return contactView(
          await observeKey(records, address, found.armoredKey, 'directory', Date.now(), found.loggedAt),
        );
      // Our directory has no answer: with the setting on, ask WKD, then keys.openpgp.org.
      if ((await records.settings()).keyServers) {
        const outside = await lookupKeyServers(address, keyServers);
        if (outside)
          return contactView(await observeKey(records, address, outside.armoredKey, outside.source));
      }
      if (failure) throw failure;
      throw new ExtensionError('not_found', `No key found for ${address}.`);
    },

    async 'contacts.import'({ armoredKey }) {
      const info = await readKeyInfo(armoredKey).catch(() => {
        throw new ExtensionError('invalid_key', 'This is not a readable OpenPGP key.');
      });
      const address = info.userIds.find((u) => u.email)?.email;
      if (!address) throw new ExtensionError('invalid_key', 'The key has no email address in its user IDs.');
      return contactView(await observeKey(records, address, armoredKey, 'manual'));
    },

    async 'contacts.remove'({ address }) {
      return { removed: await records.removeContact(address) };
    },

    async 'contacts.verify'({ address, fingerprint }) {
      return contactView(await verifyContact(records, address, fingerprint));
    },

    async 'contacts.acceptChange'({ address }) {
      return contactView(await acceptKeyChange(records, address));
    },
  };
}
