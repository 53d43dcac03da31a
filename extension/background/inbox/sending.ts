// The inbox page's send commands (messages/inbox-protocol.ts): recipient states, reply and
// forward drafts, and the send itself (outbox.ts). Keys stay in the background; the page gets
// states, drafts and results only.

import { uniqueAddresses } from '../../../shared/address.ts';
import type { ApiClient } from '../../../shared/api/client.ts';
import type { InboxCommand } from '../../messages/inbox-protocol.ts';
import type { Handlers } from '../../messages/protocol.ts';
import type { AccountSecrets } from '../account.ts';
import { ExtensionError } from '../errors.ts';
import type { OverlayKeySource, UnlockedKeyCache } from '../overlay-crypto.ts';
import { keyStatuses } from '../overlay-encrypt.ts';
import { serverCall } from '../server.ts';
import { draftOf } from './drafts.ts';
import { currentInboxKey, type InboxKeyring } from './keyring.ts';
import { sendFromInbox } from './outbox.ts';
import type { InboxReader } from './reading.ts';

type SendCommand = Extract<InboxCommand, 'inbox.recipients' | 'inbox.draft' | 'inbox.send'>;

export interface SendingDeps {
  unlocked(): Promise<AccountSecrets>;
  api(): Promise<{ record: { serverUrl: string; address: string }; api: ApiClient }>;
  keys: OverlayKeySource;
  cache: UnlockedKeyCache;
  ring(): Promise<InboxKeyring>;
  reader: InboxReader;
}

export function sendingHandlers(deps: SendingDeps): Pick<Handlers, SendCommand> {
  return {
    async 'inbox.recipients'({ addresses }) {
      await deps.unlocked();
      // The one recipient rule (overlay-encrypt.ts keyStatuses), as the compose page shows it.
      return { statuses: await keyStatuses(uniqueAddresses(addresses), deps.keys) };
    },
    async 'inbox.draft'({ address, id, kind }) {
      const secrets = await deps.unlocked();
      const kept = deps.reader.kept(address, id);
      if (!kept) throw new ExtensionError('not_found', 'Open the message again, then reply or forward.');
      const { record } = await deps.api();
      return draftOf(kept, kind, [record.address, ...secrets.addresses]);
    },
    async 'inbox.send'(req) {
      const secrets = await deps.unlocked();
      const { record, api } = await deps.api();
      return serverCall(record.serverUrl, () =>
        sendFromInbox(
          api,
          {
            keys: deps.keys,
            signingKey: () => deps.cache.get(secrets.identity),
            inboxKey: async () => currentInboxKey(await deps.ring()),
            kept: (a, i) => deps.reader.kept(a, i),
          },
          req,
        ),
      );
    },
  };
}
