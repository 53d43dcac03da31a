// Reading a send request (docs/api.md, relay): u32be(length) ‖ JSON (RelayRequestMeta) ‖ message,
// refused while reading once it passes the largest message any configuration allows. The
// message bytes are kept exactly as they came.

import type { Context } from 'hono';
import { uniqueAddresses } from '../../../shared/address.ts';
import { MAX_RELAY_META_BYTES, RELAY_REQUEST_TYPE, RelayRequestMeta } from '../../../shared/api/relay.ts';
import { fromUtf8 } from '../../../shared/encoding.ts';
import { HEADER_LENGTH, TAG_LENGTH } from '../../../shared/relay/index.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../http/errors.ts';
import { readRaw, TooLarge } from '../inbound/read-raw.ts';
import { HARD_MAX_BYTES } from './config.ts';

/** The largest request: the frame, the JSON part and the largest message sealed. */
const MAX_REQUEST_BYTES = 4 + MAX_RELAY_META_BYTES + HARD_MAX_BYTES + HEADER_LENGTH + TAG_LENGTH;

const tooLarge = () =>
  new ApiError(413, 'body_too_large', `Send requests are limited to ${MAX_REQUEST_BYTES} bytes.`);

export async function readSendRequest(
  c: Context<AppEnv>,
): Promise<{ meta: RelayRequestMeta; message: Uint8Array }> {
  const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== RELAY_REQUEST_TYPE)
    throw new ApiError(415, 'unsupported_media_type', `Send requests are ${RELAY_REQUEST_TYPE}.`);
  const declared = Number(c.req.header('Content-Length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > MAX_REQUEST_BYTES) throw tooLarge();
  let body: Uint8Array;
  try {
    body = c.req.raw.body ? await readRaw(c.req.raw.body, MAX_REQUEST_BYTES) : new Uint8Array(0);
  } catch (e) {
    if (e instanceof TooLarge) throw tooLarge();
    throw e;
  }
  if (body.length < 4) throw new ApiError(400, 'invalid_request', 'The request is shorter than its frame.');
  const metaLength = new DataView(body.buffer, body.byteOffset, 4).getUint32(0);
  if (metaLength > MAX_RELAY_META_BYTES || 4 + metaLength > body.length)
    throw new ApiError(400, 'invalid_request', 'The JSON part does not fit the request.');
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(body.subarray(4, 4 + metaLength)));
  } catch {
    throw new ApiError(400, 'malformed_json', 'The JSON part is not UTF-8 JSON.');
  }
  const parsed = RelayRequestMeta.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'request';
    throw new ApiError(400, 'invalid_request', `Invalid ${where}: ${issue?.code ?? 'invalid'}.`);
  }
  const message = body.subarray(4 + metaLength);
  if (message.length === 0) throw new ApiError(400, 'invalid_request', 'The request carries no message.');
  if (uniqueAddresses(parsed.data.to).length !== parsed.data.to.length)
    throw new ApiError(400, 'duplicate_recipient', 'A recipient is listed twice.');
  return { meta: parsed.data, message };
}
