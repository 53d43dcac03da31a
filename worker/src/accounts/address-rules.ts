// Which addresses an account may claim. Service-domain inboxes need no mail round trip (the
// account owns them from creation) but their local part is restricted and role names are
// reserved (RFC 2142 mailbox names, plus names that would let a user impersonate the service).

import { domainOf, localPartOf, normalizeDomain } from '../../../shared/address.ts';
import { ApiError } from '../http/errors.ts';

const RESERVED_LOCAL_PARTS = new Set([
  // RFC 2142 §§3–5
  'abuse',
  'noc',
  'security',
  'postmaster',
  'hostmaster',
  'usenet',
  'news',
  'webmaster',
  'www',
  'uucp',
  'ftp',
  'info',
  'marketing',
  'sales',
  'support',
  // the service's own senders and common role accounts
  'admin',
  'administrator',
  'root',
  'system',
  'mailer-daemon',
  'no-reply',
  'noreply',
  'verify',
  'openpgpkey',
  'help',
  'billing',
  'staff',
  'team',
  'official',
  'noise',
]);

/** Local part on the service domain: 1–64 chars, lowercase letters, digits, and . _ - inside. */
const SERVICE_LOCAL = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export type AddressKind = 'service' | 'external';

/** Classifies a normalized address, refusing unusable service-domain inboxes. */
export function classifyAddress(address: string, serviceDomain: string): AddressKind {
  if (domainOf(address) !== normalizeDomain(serviceDomain)) return 'external';
  const local = localPartOf(address);
  if (!SERVICE_LOCAL.test(local) || local.includes('..')) {
    throw new ApiError(
      400,
      'invalid_address',
      'Inbox names use 1–64 lowercase letters, digits, dots, dashes or underscores.',
    );
  }
  if (RESERVED_LOCAL_PARTS.has(local))
    throw new ApiError(400, 'reserved_address', 'This inbox name is reserved.');
  return 'service';
}
