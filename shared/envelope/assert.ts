// Named input checks (noble style): each names the parameter and throws
// NoiseError('invalid_argument') without echoing the value.

import { isAddress } from '../address.ts';
import { NoiseError } from '../errors.ts';

export function abytes(
  value: unknown,
  length: number | undefined,
  name: string,
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new NoiseError('invalid_argument', `${name}: expected Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new NoiseError('invalid_argument', `${name}: expected ${length} bytes, got ${value.length}`);
  }
}

export function au32(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new NoiseError('invalid_argument', `${name}: expected an integer in [0, 2^32)`);
  }
}

export function atimestamp(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new NoiseError('invalid_argument', `${name}: expected unix seconds`);
  }
}

/** §1.3: an address as docs/api.md (Addresses) defines it, 1–254 bytes of UTF-8. */
export function aaddress(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || !isAddress(value)) {
    throw new NoiseError('invalid_argument', `${name}: expected an address of 1–254 bytes`);
  }
}

/** §5.2: device ids are 0–64 bytes of printable ASCII; '' names an account's only device. */
export function adeviceId(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || !isDeviceId(value)) {
    throw new NoiseError(
      'invalid_argument',
      `${name}: expected a device id of 0–64 printable ASCII characters`,
    );
  }
}

export function isDeviceId(value: string): boolean {
  return value.length <= 64 && /^[\u0021-\u007e]*$/.test(value);
}
