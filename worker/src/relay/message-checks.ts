// What the relay checks in an outgoing message before handing it to the mail service (docs/api.md,
// relay). It reads the message and adds, removes or rewrites nothing, so signatures and the
// encrypted parts stay exactly as the client made them. Cloudflare itself requires a Message-ID,
// a From equal to the envelope sender and no Received header (TOOLCHAIN, send_email); a Bcc header
// would show every blind recipient to all the others, so it is refused rather than sent.
// Error messages never quote the message: in sealed mode it is plaintext.

import PostalMime, { type Email } from 'postal-mime';
import { sameAddress } from '../../../shared/address.ts';
import { singleMailbox } from '../../../shared/address-fields.ts';
import type { RelayMode } from '../../../shared/api/relay.ts';
import { ApiError } from '../http/errors.ts';
import { arrivalEncryption } from '../inbound/summary-of.ts';

export interface CheckedMessage {
  email: Email;
  /** The From header's address exactly as written: Cloudflare compares it with the envelope. */
  headerFrom: string;
}

/** RFC 5322 §3.6.4 msg-id, one of them. */
const MESSAGE_ID = /^\s*<[^\s<>@]+@[^\s<>@]+>\s*$/;

function headerValues(email: Email, key: string): string[] {
  return email.headers.filter((h) => h.key === key).map((h) => h.value);
}

async function parse(raw: Uint8Array): Promise<Email> {
  try {
    return await PostalMime.parse(raw);
  } catch {
    throw new ApiError(400, 'message_malformed', 'The message is not parseable MIME.');
  }
}

/**
 * Checks `raw` for sending from `from`. A From (or Sender) header naming anyone else is answered
 * by `onForeignSender`, which refuses and logs it.
 */
export async function checkOutgoing(
  raw: Uint8Array,
  from: string,
  mode: RelayMode,
  onForeignSender: (attempted: string) => Promise<never>,
): Promise<CheckedMessage> {
  const email = await parse(raw);
  const froms = headerValues(email, 'from');
  const fromBox = froms.length === 1 ? singleMailbox(froms[0] ?? '') : null;
  if (!fromBox) throw new ApiError(400, 'from_header_invalid', 'The message needs exactly one From mailbox.');
  if (!sameAddress(fromBox.address, from)) return onForeignSender(fromBox.written);
  for (const sender of headerValues(email, 'sender')) {
    const box = singleMailbox(sender);
    if (!box || !sameAddress(box.address, from)) return onForeignSender(box?.written ?? '');
  }
  const ids = headerValues(email, 'message-id');
  if (ids.length !== 1 || !MESSAGE_ID.test(ids[0] ?? ''))
    throw new ApiError(400, 'message_id_required', 'The message needs exactly one valid Message-ID.');
  if (headerValues(email, 'received').length > 0)
    throw new ApiError(
      400,
      'received_not_allowed',
      'A message handed to the relay carries no Received header.',
    );
  if (headerValues(email, 'bcc').length > 0)
    throw new ApiError(
      400,
      'bcc_not_allowed',
      'Blind recipients go in the envelope only, never in a Bcc header.',
    );
  if (mode === 'encrypted' && arrivalEncryption(email) === 'none')
    throw new ApiError(
      400,
      'not_encrypted',
      'Encrypted mode takes only PGP/MIME, inline PGP or envelope messages; send plaintext sealed.',
    );
  return { email, headerFrom: fromBox.written };
}
