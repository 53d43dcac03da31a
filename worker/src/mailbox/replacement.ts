// The body of a replace request (docs/api.md, inboxes): u32be summary length ‖ sealed summary ‖
// sealed body, both in the mailbox-v1 format. The Worker cannot check the ciphertext, but it
// refuses anything that does not even start like a sealed object of the right kind, so a client
// bug cannot put a plaintext body in place of a sealed one unnoticed.

import { HEADER_LENGTH, KIND_BODY, KIND_SUMMARY, MAGIC } from '../../../shared/mailbox/labels.ts';
import { ApiError } from '../http/errors.ts';
import { MAX_SEALED_BODY_BYTES, MAX_SEALED_SUMMARY_BYTES } from './limits.ts';

/** AES-GCM tag of the one chunk an empty object still has (mailbox-v1 §3.3). */
const MIN_OBJECT = HEADER_LENGTH + 16;

export const MAX_REPLACEMENT_BYTES = 4 + MAX_SEALED_SUMMARY_BYTES + MAX_SEALED_BODY_BYTES;

function looksSealed(bytes: Uint8Array, kind: number): boolean {
  if (bytes.length < MIN_OBJECT) return false;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return bytes[MAGIC.length] === kind;
}

export function parseReplacement(framed: Uint8Array): { summary: Uint8Array; body: Uint8Array } {
  if (framed.length < 4)
    throw new ApiError(400, 'invalid_replacement', 'The body is shorter than its frame.');
  const summaryLength = new DataView(framed.buffer, framed.byteOffset, 4).getUint32(0);
  if (summaryLength > MAX_SEALED_SUMMARY_BYTES || 4 + summaryLength > framed.length)
    throw new ApiError(400, 'invalid_replacement', 'The summary length does not fit the body.');
  const summary = framed.slice(4, 4 + summaryLength);
  const body = framed.slice(4 + summaryLength);
  if (!looksSealed(summary, KIND_SUMMARY))
    throw new ApiError(400, 'invalid_replacement', 'The summary is not a mailbox-v1 sealed summary.');
  if (!looksSealed(body, KIND_BODY))
    throw new ApiError(400, 'invalid_replacement', 'The body is not a mailbox-v1 sealed body.');
  if (body.length > MAX_SEALED_BODY_BYTES)
    throw new ApiError(413, 'body_too_large', 'The sealed body is too large.');
  return { summary, body };
}
