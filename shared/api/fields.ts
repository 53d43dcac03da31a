// Field schemas shared by the API areas (./directory.ts, ./transparency.ts), in a module of their
// own so that those areas can use each other's schemas without an import cycle.

import { z } from 'zod';
import { isAddress } from '../address.ts';

/** RFC 4648 §5 alphabet, no padding. */
export const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** base64url of exactly `bytes` bytes (no padding). */
export function b64uBytes(bytes: number) {
  return z
    .string()
    .length(Math.ceil((bytes * 4) / 3))
    .regex(BASE64URL, 'base64url');
}

/**
 * A size, index or cursor in a query string (docs/api.md "Conventions"): decimal, no sign, no
 * leading zeros, a safe integer; so `0x10`, `1e3`, ` 1` and the empty string are refused, not read.
 */
export const DecimalInteger = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/)
  .transform(Number)
  .refine(Number.isSafeInteger);

/** An address (docs/api.md, Addresses), as typed. */
export const Address = z
  .string()
  .min(3)
  .max(254)
  .refine((a) => isAddress(a), 'address');
