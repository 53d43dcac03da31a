// The server-session commands: this account's sessions listed, one revoked, this device logged
// out (docs/api.md, sessions). Each is logged in the security log.

import type { CoreHandlers } from '../messages/protocol.ts';
import type { Records } from '../store/records.ts';
import type { VaultRecord } from '../store/schema.ts';
import { ExtensionError } from './errors.ts';
import { type AccountServer, serverCall } from './server.ts';

type SessionCommand = Extract<keyof CoreHandlers, `sessions.${string}`>;

export function sessionHandlers(
  records: Records,
  server: AccountServer,
  /** The unlocked account's record and its server client. */
  api: () => Promise<{ record: VaultRecord; api: ReturnType<AccountServer['api']> }>,
): Pick<CoreHandlers, SessionCommand> {
  return {
    async 'sessions.list'() {
      const { record, api: client } = await api();
      return (await serverCall(record.serverUrl, () => client.sessions.list())).map((x) => ({ ...x }));
    },

    async 'sessions.revoke'({ id }) {
      const { record, api: client } = await api();
      const target = (await serverCall(record.serverUrl, () => client.sessions.list())).find(
        (x) => x.id === id,
      );
      if (!target) throw new ExtensionError('not_found', 'No such session.');
      await serverCall(record.serverUrl, () => client.sessions.revoke(id));
      // Revoking this device's own session: the stored tokens are dead; the next call logs in.
      if (target.current) await server.sessions.set(undefined);
      await records.log('session_revoked', `${target.deviceName}${target.current ? ' (this device)' : ''}`);
      return { revoked: id };
    },

    async 'sessions.logout'() {
      const { record, api: client } = await api();
      if (!(await server.sessions.get())) return { loggedOut: false };
      await serverCall(record.serverUrl, () => client.logout());
      await records.log('logout', record.address);
      return { loggedOut: true };
    },
  };
}
