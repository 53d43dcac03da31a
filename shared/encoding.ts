// Byte encodings used on the wire and in storage: which kept codec serves each one, and the few
// framings our specs define. Hex and concatenation come from @noble/hashes, the constant-time
// comparison from @noble/curves, UTF-8 from the Encoding standard (TextEncoder/TextDecoder), and
// base64, base64url and base32 from @scure/base, whose decoding is strict (RFC 4648 §3.5: canonical
// padding and zero pad bits, no whitespace), so every byte string has exactly one encoding.
// Decoding failures are TypeErrors: bad input, not bugs.

import { concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import { base32nopad, base64, base64urlnopad } from '@scure/base';

export { bytesToHex as toHex, concatBytes } from '@noble/hashes/utils.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decoding<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch {
    throw new TypeError(`invalid ${what}`);
  }
}

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Decodes UTF-8, throwing on invalid sequences rather than inserting U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/**
 * Each byte as the code point of the same value (ISO 8859-1). Armor and MIME structure are
 * ASCII; this reads them without failing on other bytes. (TextDecoder's 'latin1' is
 * windows-1252 and maps 0x80–0x9F elsewhere.)
 */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

export function u32be(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError('u32 out of range');
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

export function u64be(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('u64 out of range');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(n));
  return out;
}

/** docs/spec/envelope-v1.md §1.3 `lp8(s)`: u8(len(b)) ‖ b, b the UTF-8 of s, len(b) ≤ 255. */
export function lp8(text: string): Uint8Array {
  const bytes = utf8(text);
  if (bytes.length > 255) throw new RangeError('lp8: longer than 255 bytes');
  return concatBytes(new Uint8Array([bytes.length]), bytes);
}

/** Hex of either case, an even number of digits. */
export function fromHex(hex: string): Uint8Array {
  return decoding('hex', () => hexToBytes(hex));
}

/** Standard base64 with padding (RFC 4648 §4). */
export function toBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}

export function fromBase64(text: string): Uint8Array {
  return decoding('base64', () => base64.decode(text));
}

/** base64url without padding (RFC 4648 §5), used in JSON APIs. */
export function toBase64Url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

export function fromBase64Url(text: string): Uint8Array {
  return decoding('base64url', () => base64urlnopad.decode(text));
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base32 (RFC 6189 §5.1.6, as WKD hashes local parts): RFC 4648 base32's bit order, its own alphabet. */
export function toZBase32(bytes: Uint8Array): string {
  return base32nopad.encode(bytes).replace(/[A-Z2-7]/g, (c) => ZBASE32[BASE32.indexOf(c)]!);
}

/** Constant-time comparison of equal-length secrets. */
export { equalBytes } from '@noble/curves/utils.js';
