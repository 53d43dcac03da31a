// Request and response schemas of the outbound relay (docs/api.md, relay) and the account's
// security log. A send is one binary request: u32be(length of the JSON part) ‖ the JSON part
// (RelayRequestMeta) ‖ the message — the complete RFC 5322 message in encrypted mode, the relay
// seal (docs/spec/relay-v1.md) in sealed mode. Objects are strict: unknown fields are refused.

import { z } from 'zod';
import { concatBytes, u32be, utf8 } from '../encoding.ts';
import { MAX_RECIPIENTS, SUITE_NAME } from '../relay/labels.ts';
import { AccountAddress } from './accounts.ts';

export const RELAY_ROUTES = {
  messages: '/api/v1/relay/messages',
  /** The relay's public key document (public, any origin). */
  key: '/.well-known/noise-relay-key',
  securityLog: '/api/v1/security-log',
} as const;

/** Content-Type of a send request. */
export const RELAY_REQUEST_TYPE = 'application/vnd.noise.relay-request';

/** An SMTP envelope address (RFC 5321 §4.1.2): an address as accounts take them (docs/api.md, Addresses). */
export const EnvelopeAddress = AccountAddress;

/**
 * encrypted: the client built and encrypted the message; the relay sends its bytes unchanged.
 * sealed: the client chose to send plaintext; it is sealed to the relay key and opened only in
 * memory to be handed to the mail service.
 */
export const RelayMode = z.enum(['encrypted', 'sealed']);
export type RelayMode = z.infer<typeof RelayMode>;

export const RelayRequestMeta = z.strictObject({
  mode: RelayMode,
  /** The envelope sender: an address of the account that may send (docs/api.md). */
  from: EnvelopeAddress,
  /** The envelope recipients (To, Cc and Bcc alike), in the order the seal binds them. */
  to: z.array(EnvelopeAddress).min(1).max(MAX_RECIPIENTS),
  /**
   * Encrypted mode only: when the mail service refuses the raw message (a header or the raw
   * path), send the same ciphertext as inline PGP in a text/plain body ('inline-pgp', the
   * default) or fail ('none').
   */
  fallback: z.enum(['inline-pgp', 'none']).optional(),
});
export type RelayRequestMeta = z.infer<typeof RelayRequestMeta>;

/** The JSON part is small; the rest of the request is the message. */
export const MAX_RELAY_META_BYTES = 32 * 1024;

/** u32be(meta length) ‖ meta JSON ‖ message bytes. */
export function frameRelayRequest(meta: RelayRequestMeta, message: Uint8Array): Uint8Array {
  const json = utf8(JSON.stringify(RelayRequestMeta.parse(meta)));
  return concatBytes(u32be(json.length), json, message);
}

export const SendId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);

export const RecipientResult = z.strictObject({
  address: z.string(),
  status: z.enum(['sent', 'failed']),
  /** The Message-ID the mail service gave this recipient's copy (it replaces the message's own). */
  messageId: z.string().max(998).optional(),
  /** The stable error code for this recipient (see docs/api.md, relay errors). */
  error: z.string().optional(),
});

export const Delivery = z.enum(['raw', 'inline-pgp']);
export type Delivery = z.infer<typeof Delivery>;

export const RelayResult = z.strictObject({
  id: SendId,
  /** 'partial': some recipients failed (see `recipients`). */
  status: z.enum(['sent', 'partial']),
  /** 'inline-pgp': the service refused the raw message and the ciphertext went as text/plain. */
  delivery: Delivery,
  /** Why the fallback was taken: the error code of the refused raw send. */
  fallbackReason: z.string().optional(),
  recipients: z.array(RecipientResult),
});
export type RelayResult = z.infer<typeof RelayResult>;

export const SendLogEntry = z.strictObject({
  id: SendId,
  at: z.number().int(),
  mode: RelayMode,
  /** SHA-256 (hex) of what the relay received: the ciphertext message or the seal. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  recipients: z.number().int().min(0),
  delivered: z.number().int().min(0),
  status: z.enum(['sent', 'partial', 'failed']),
  delivery: Delivery,
  error: z.string().optional(),
});
export type SendLogEntry = z.infer<typeof SendLogEntry>;

export const QuotaWindow = z.strictObject({
  limit: z.number().int(),
  used: z.number().int(),
  resetsAt: z.number().int(),
});
export const SendLogResponse = z.strictObject({
  entries: z.array(SendLogEntry),
  /** Deliveries (one per recipient) counted against the account's limits. */
  quota: z.strictObject({ hour: QuotaWindow, day: QuotaWindow }),
});
export type SendLogResponse = z.infer<typeof SendLogResponse>;

/** docs/spec/relay-v1.md §2.3: what a client seals to. */
export const RelayKeyDocument = z.strictObject({
  v: z.literal(1),
  suite: z.literal(SUITE_NAME),
  /** 8 bytes, hex. */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** Raw X25519 public key, base64url (43 characters). */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** When the key is replaced (ISO 8601); fetch the document again after it. Null: not planned. */
  rotatesAt: z.iso.datetime().nullable(),
});
export type RelayKeyDocument = z.infer<typeof RelayKeyDocument>;

export const SecurityEvent = z.strictObject({
  at: z.number().int(),
  kind: z.string(),
  /** The session that caused it, when a session did. */
  sessionId: z.string().nullable(),
  detail: z.record(z.string(), z.string()),
});
export type SecurityEvent = z.infer<typeof SecurityEvent>;
export const SecurityLogResponse = z.strictObject({ events: z.array(SecurityEvent) });
export type SecurityLogResponse = z.infer<typeof SecurityLogResponse>;
