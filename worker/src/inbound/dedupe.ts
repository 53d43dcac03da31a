// The dedupe key of an arrival: a keyed hash, so the index holds no Message-ID and a leaked row
// cannot confirm a guessed one. Retries of one delivery carry the same Message-ID; without one,
// the message body (everything after the header block, which relays extend) stands in for it.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toBase64Url, utf8 } from '../../../shared/encoding.ts';

/** Development fallback only, as for the other keyed hashes; production sets SERVER_SECRET. */
const DEV_SECRET = 'noise-email development secret: set SERVER_SECRET in production';
const LABEL = 'noise.email/inbox/v1/dedupe';

/** Offset just past the header block's empty line (RFC 5322 §2.1), or the end. */
function bodyStart(raw: Uint8Array): number {
  for (let i = 0; i + 1 < raw.length; i++) {
    if (raw[i] === 0x0a && raw[i + 1] === 0x0a) return i + 2;
    if (raw[i] === 0x0a && raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i + 3;
  }
  return raw.length;
}

/** RFC 5322 §3.6.4 msg-id without its angle brackets and surrounding space. */
function normalMessageId(value: string | undefined): string | undefined {
  const id = value?.trim().replace(/^<|>$/g, '').trim();
  return id ? id : undefined;
}

export function dedupeKey(
  secret: string | undefined,
  address: string,
  messageId: string | undefined,
  raw: Uint8Array,
): string {
  const id = normalMessageId(messageId);
  const subject = id
    ? concatBytes(utf8('id\u0000'), utf8(id))
    : concatBytes(utf8('body\u0000'), sha256(raw.subarray(bodyStart(raw))));
  const mac = hmac(
    sha256,
    utf8(secret || DEV_SECRET),
    concatBytes(utf8(`${LABEL}\u0000${address}\u0000`), subject),
  );
  return toBase64Url(mac);
}
