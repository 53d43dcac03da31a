// The one builder of outgoing mail (docs/api.md, relay): the extension's compose page and the CLI
// call it to turn what the user wrote into the bytes the relay sends, and the request that
// carries them. With keys for every recipient the message is PGP/MIME (RFC 3156), signed and
// encrypted, and goes in encrypted mode: the relay only sees ciphertext. Without them, and only
// when the user chose it, it is signed plaintext (multipart/signed) sealed to the relay
// (docs/spec/relay-v1.md). Both carry the sender's Autocrypt header, outside the signature.

import type { PrivateKey } from 'openpgp';
import { uniqueAddresses } from '../address.ts';
import type { RelayRequestMeta } from '../api/relay.ts';
import { utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import type { KeyInput } from '../pgp/keys.ts';
import { buildEncryptedMime, buildSignedMime, type MailContent, newMessageId } from '../pgp/mime-build.ts';
import { type RelayPublicKey, sealForRelay } from '../relay/index.ts';
import { autocryptHeader } from './autocrypt.ts';

export interface OutgoingMail {
  content: MailContent;
  /** Recipients the envelope has but the headers do not show (Bcc). */
  bcc?: string[];
  /** The sender's unlocked key: signs, and gives the Autocrypt key. */
  signingKey: PrivateKey;
  /**
   * The envelope recipients when this copy goes to only some of the header recipients: a mixed
   * send is one encrypted copy to those with keys and one sealed copy to the rest, with the
   * same headers (docs/spec/relay-v1.md §6). Default: every To, Cc and Bcc recipient.
   */
  envelope?: readonly string[];
}

export type SendPlan =
  /** Every recipient's key: PGP/MIME, encrypted mode. */
  | { mode: 'encrypted'; recipientKeys: readonly KeyInput[] }
  /** The user chose to send plaintext: sealed to the relay key. */
  | { mode: 'sealed'; relayKey: RelayPublicKey };

export interface PreparedSend {
  meta: RelayRequestMeta;
  /** What goes in the request after the JSON part: the MIME, or its seal. */
  payload: Uint8Array;
  /** The message as sent (for the Sent copy, sealed under the inbox key; never uploaded as is). */
  mime: Uint8Array;
  messageId: string;
}

/** Every envelope recipient, To, Cc and Bcc, once each and in that order. */
export function envelopeRecipients(mail: OutgoingMail): string[] {
  if (mail.envelope) return uniqueAddresses(mail.envelope);
  return uniqueAddresses(
    [...mail.content.to, ...(mail.content.cc ?? [])].map((a) => a.address).concat(mail.bcc ?? []),
  );
}

export async function prepareSend(mail: OutgoingMail, plan: SendPlan): Promise<PreparedSend> {
  const content: MailContent = {
    ...mail.content,
    date: mail.content.date ?? new Date(),
    messageId: mail.content.messageId ?? newMessageId(mail.content.from),
  };
  const to = envelopeRecipients(mail);
  if (to.length === 0) throw new NoiseError('invalid_argument', 'compose: no recipient');
  const from = content.from.address;
  const extraHeaders = [await autocryptHeader(mail.signingKey, from)];
  const options = { signingKey: mail.signingKey, extraHeaders };
  const mime = utf8(
    plan.mode === 'encrypted'
      ? await buildEncryptedMime(content, { ...options, recipients: plan.recipientKeys })
      : await buildSignedMime(content, options),
  );
  const meta: RelayRequestMeta = { mode: plan.mode, from, to };
  const payload = plan.mode === 'encrypted' ? mime : await sealForRelay(mime, { from, to }, plan.relayKey);
  return { meta, payload, mime, messageId: content.messageId! };
}
