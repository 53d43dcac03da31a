// The relay's stable error codes (docs/api.md, relay errors) as the few the inbox page explains
// in the user's language (ui/failure-text.ts). A 429 carries when to try again (Retry-After).

import { isApiClientError } from '../../../shared/api/client.ts';
import { ExtensionError, type ExtensionErrorCode } from '../errors.ts';

const BY_SERVER_CODE: Record<string, ExtensionErrorCode> = {
  send_limit: 'send_limit',
  service_rate_limited: 'send_limit',
  service_daily_limit: 'send_limit',
  sender_not_allowed: 'sender_refused',
  sender_domain_not_sendable: 'sender_refused',
  message_too_large: 'message_too_large',
  body_too_large: 'message_too_large',
  recipient_not_allowed: 'recipient_refused',
  recipient_suppressed: 'recipient_refused',
  too_many_recipients: 'recipient_refused',
  message_refused: 'message_refused',
  header_not_allowed: 'message_refused',
  delivery_failed: 'relay_unavailable',
  mail_service_error: 'relay_unavailable',
  mail_service_unavailable: 'relay_unavailable',
  sender_not_configured: 'relay_unavailable',
  relay_not_configured: 'relay_unavailable',
};

/** Our code for a relay error code (a per-recipient failure of a partial send included). */
export function relayFailureCode(serverCode: string): ExtensionErrorCode | null {
  return Object.hasOwn(BY_SERVER_CODE, serverCode) ? (BY_SERVER_CODE[serverCode] ?? null) : null;
}

/** A failed relay call as an ExtensionError the page explains; anything else unchanged. */
export function relayFailure(e: unknown, now = Date.now()): unknown {
  if (!isApiClientError(e)) return e;
  const code = relayFailureCode(e.code);
  if (!code) return e;
  const until =
    code === 'send_limit' && e.retryAfterSeconds !== undefined ? now + e.retryAfterSeconds * 1000 : undefined;
  return new ExtensionError(code, e.message, until !== undefined ? { until } : {});
}
