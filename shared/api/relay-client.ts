// Typed client of the outbound relay (docs/api.md, relay), composed into the one API client
// (client.ts `relay`). A send is one binary request (./relay.ts frameRelayRequest); answers are
// validated against ./relay.ts, failures become ApiClientError with the server's stable code
// (429 carries Retry-After).

import {
  frameRelayRequest,
  RELAY_REQUEST_TYPE,
  RELAY_ROUTES,
  RelayKeyDocument,
  type RelayRequestMeta,
  RelayResult,
  SecurityLogResponse,
  SendLogResponse,
} from './relay.ts';
import type { Transport } from './transport.ts';

export type RelayCalls = ReturnType<typeof relayCalls>;

export function relayCalls({ call }: Transport) {
  return {
    /**
     * Sends one message: the complete encrypted MIME (mode 'encrypted') or the relay seal of
     * the plaintext MIME (mode 'sealed', see shared/outbound prepareSend).
     */
    send: (meta: RelayRequestMeta, message: Uint8Array) =>
      call(RelayResult, RELAY_ROUTES.messages, {
        method: 'POST',
        auth: true,
        headers: { 'Content-Type': RELAY_REQUEST_TYPE },
        body: frameRelayRequest(meta, message) as Uint8Array<ArrayBuffer>,
      }),
    /** The account's send log (newest first) and what its limits leave. */
    log: () => call(SendLogResponse, RELAY_ROUTES.messages, { method: 'GET', auth: true }),
    /** The relay's public key document (docs/spec/relay-v1.md §2.3). */
    key: () => call(RelayKeyDocument, RELAY_ROUTES.key, { method: 'GET', auth: false }),
    /** The account's security log, newest first (refused senders, among others). */
    securityLog: () => call(SecurityLogResponse, RELAY_ROUTES.securityLog, { method: 'GET', auth: true }),
  };
}
