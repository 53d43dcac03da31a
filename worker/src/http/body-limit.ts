// Body size limits on every route, answered with the JSON error shape.

import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { VAULT_MAX_CHARS } from '../../../shared/api/accounts.ts';
import type { AppEnv } from '../env.ts';
import { errorResponse } from './errors.ts';

export const SMALL_BODY_BYTES = 16 * 1024;
/** The vault as base64url plus the JSON around it. */
export const VAULT_BODY_BYTES = VAULT_MAX_CHARS + 4 * 1024;
/** Registration carries the vault and the public keys (armored key ≤ 64 KiB, ≤ 200 prekeys). */
export const REGISTER_BODY_BYTES = VAULT_BODY_BYTES + 128 * 1024;

export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      errorResponse(c, 413, 'body_too_large', `Request bodies here are limited to ${maxSize} bytes.`),
  });
}
