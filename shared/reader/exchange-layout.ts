// PGP/MIME as Exchange and Outlook rewrite it (RFC 3156 §4 turned into multipart/mixed), which
// the reader still recognises, as Thunderbird does.

import { latin1 } from '../encoding.ts';
import { decodedBody, decodeText } from './body-decoding.ts';
import { type Entity, readEntity } from './entity.ts';

/** Bytes that start (after blanks) with an armored OpenPGP message. */
export function isArmoredMessage(data: Uint8Array): boolean {
  return latin1(data.subarray(0, 64)).trimStart().startsWith('-----BEGIN PGP MESSAGE-----');
}

/**
 * The layout Exchange and Outlook make of PGP/MIME (as Thunderbird recognises it): a
 * multipart/mixed of an empty text/plain part, the application/pgp-encrypted control part and
 * the OpenPGP message as application/octet-stream. Returns the message part, or undefined.
 */
export function exchangeMangled(entity: Entity, parts: Uint8Array[]): Entity | undefined {
  if (entity.contentType.type !== 'multipart/mixed' || parts.length !== 3) return undefined;
  const [first, control, data] = parts.map(readEntity) as [Entity, Entity, Entity];
  if (first.contentType.type !== 'text/plain' || /\S/.test(decodeText(decodedBody(first), 'utf-8')))
    return undefined;
  if (control.contentType.type !== 'application/pgp-encrypted') return undefined;
  if (data.contentType.type !== 'application/octet-stream') return undefined;
  const body = decodedBody(data);
  return isArmoredMessage(body) || (body[0] ?? 0) & 0x80 ? data : undefined;
}
