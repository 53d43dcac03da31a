// The one typed client of the Worker API, used by the extension and the CLI. fetch-based with
// web standards only, so it runs in browsers, Workers and Node. One module per API area, each
// over the shared transport (requests, validation, errors, the session and its refresh):
// accounts, sessions and vault (./accounts-client.ts), the key directory (./directory-client.ts),
// the registered inbox (./inbox-client.ts), the relay (./relay-client.ts) and the transparency
// log (./transparency-client.ts).
// A new area is one more module and one line here.

import { accountCalls } from './accounts-client.ts';
import { directoryCalls } from './directory-client.ts';
import { inboxCalls } from './inbox-client.ts';
import { relayCalls } from './relay-client.ts';
import { logCalls } from './transparency-client.ts';
import { type ApiClientOptions, createTransport } from './transport.ts';

export type ApiClient = ReturnType<typeof apiClient>;

export function apiClient(options: ApiClientOptions) {
  const transport = createTransport(options);
  return {
    ...accountCalls(transport),
    directory: directoryCalls(transport),
    inbox: inboxCalls(transport),
    log: logCalls(transport),
    relay: relayCalls(transport),
  };
}

export { ApiClientError, isApiClientError } from './errors.ts';
export {
  type LoginReason,
  memorySessionStore,
  type SessionEvent,
  type SessionStore,
} from './session-store.ts';
export type { ApiClientOptions } from './transport.ts';
