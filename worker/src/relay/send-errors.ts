// Every failure of Cloudflare's send_email binding as a stable API error (docs/api.md, relay
// errors). Production throws an Error whose `code` is one of Email Service's E_* codes (Workers
// API reference, "Error codes"); `wrangler dev`'s local binding throws plain Errors, recognised by
// their text. The service's own message is never passed on: it may name addresses.

import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface SendFailure {
  status: ContentfulStatusCode;
  /** Stable API code. */
  code: string;
  message: string;
  /** Only this recipient failed; the others may still be sent to. */
  perRecipient: boolean;
  /** The service refused the raw message's headers or form: the inline fallback may help. */
  fallback: boolean;
}

type Entry = Omit<SendFailure, 'perRecipient' | 'fallback'> & { perRecipient?: true; fallback?: true };

const HEADER: Entry = {
  status: 422,
  code: 'header_not_allowed',
  message: 'The mail service refused a header of the message.',
  fallback: true,
};

const BY_CODE: Record<string, Entry> = {
  E_VALIDATION_ERROR: {
    status: 422,
    code: 'message_refused',
    message: 'The mail service refused the message.',
  },
  E_FIELD_MISSING: { status: 422, code: 'message_refused', message: 'The mail service refused the message.' },
  E_TOO_MANY_ATTACHMENTS: {
    status: 422,
    code: 'message_refused',
    message: 'The mail service refused the message.',
  },
  E_TOO_MANY_RECIPIENTS: {
    status: 422,
    code: 'too_many_recipients',
    message: 'Too many recipients for one message.',
  },
  E_SENDER_NOT_VERIFIED: {
    status: 502,
    code: 'sender_not_configured',
    message: 'The service is not set up to send from this domain.',
  },
  E_SENDER_DOMAIN_NOT_AVAILABLE: {
    status: 502,
    code: 'sender_not_configured',
    message: 'The service is not set up to send from this domain.',
  },
  E_RECIPIENT_NOT_ALLOWED: {
    status: 422,
    code: 'recipient_not_allowed',
    message: 'The mail service may not send to this recipient (not a verified destination).',
    perRecipient: true,
  },
  E_RECIPIENT_SUPPRESSED: {
    status: 422,
    code: 'recipient_suppressed',
    message: 'The recipient bounced or reported earlier mail; the mail service will not send to it.',
    perRecipient: true,
  },
  E_CONTENT_TOO_LARGE: {
    status: 413,
    code: 'message_too_large',
    message: 'The message is over the size limit.',
  },
  E_DELIVERY_FAILED: {
    status: 502,
    code: 'delivery_failed',
    message: 'The recipient’s server did not accept the message.',
    perRecipient: true,
  },
  E_RATE_LIMIT_EXCEEDED: {
    status: 429,
    code: 'service_rate_limited',
    message: 'The mail service is sending too fast; try again later.',
  },
  E_DAILY_LIMIT_EXCEEDED: {
    status: 429,
    code: 'service_daily_limit',
    message: 'The mail service reached its daily limit; try again tomorrow.',
  },
  E_INTERNAL_SERVER_ERROR: {
    status: 502,
    code: 'mail_service_unavailable',
    message: 'The mail service is unavailable; try again later.',
  },
  E_HEADER_NOT_ALLOWED: HEADER,
  E_HEADER_USE_API_FIELD: HEADER,
  E_HEADER_VALUE_INVALID: HEADER,
  E_HEADER_VALUE_TOO_LONG: HEADER,
  E_HEADER_NAME_INVALID: HEADER,
  E_HEADERS_TOO_LARGE: HEADER,
  E_HEADERS_TOO_MANY: HEADER,
};

const UNKNOWN: Entry = { status: 502, code: 'mail_service_error', message: 'The mail service failed.' };

/** wrangler dev's local binding (miniflare send_email): its messages, as E_* codes. */
function localCode(message: string): string | undefined {
  if (/^email to .* not allowed$/s.test(message)) return 'E_RECIPIENT_NOT_ALLOWED';
  if (/^email from .* not allowed$/s.test(message)) return 'E_SENDER_NOT_VERIFIED';
  if (message === 'invalid headers set') return 'E_HEADER_NOT_ALLOWED';
  if (message === 'invalid message-id' || message.startsWith('could not parse email'))
    return 'E_VALIDATION_ERROR';
  if (message.startsWith('From: header does not match')) return 'E_VALIDATION_ERROR';
  return undefined;
}

/** The service's E_* code of a thrown send error, if it has one. */
export function serviceCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E_[A-Z_]{1,60}$/.test(code)) return code;
  return e instanceof Error ? localCode(e.message) : undefined;
}

export function mapSendError(e: unknown): SendFailure {
  const code = serviceCode(e);
  const entry = (code && BY_CODE[code]) || UNKNOWN;
  return { ...entry, perRecipient: entry.perRecipient === true, fallback: entry.fallback === true };
}
