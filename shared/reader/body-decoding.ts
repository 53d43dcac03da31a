// A leaf entity's body, undone: Content-Transfer-Encoding (RFC 2045 §6.7 quoted-printable,
// §6.8 base64) straight from bytes to bytes, then the charset for text. Done byte by byte in one
// pass, so a 25 MB attachment costs its decoded size and no string copies of the encoded one.

import type { Entity } from './entity.ts';

const B64 = new Int16Array(256).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries())
  B64[c.charCodeAt(0)] = i;

/**
 * RFC 2045 §6.8 base64, fed in pieces: characters outside the alphabet are ignored and decoding
 * stops at the first `=` (padding). Keeps its state between pieces, so a large body can be
 * decoded as a stream.
 */
export class Base64Decoder {
  private acc = 0;
  private bits = 0;
  private ended = false;

  push(input: Uint8Array): Uint8Array {
    const out = new Uint8Array(Math.floor((input.length * 3) / 4) + 3);
    let n = 0;
    let { acc, bits } = this;
    for (let i = 0; i < input.length && !this.ended; i++) {
      const c = input[i]!;
      if (c === 0x3d) {
        this.ended = true;
        break;
      }
      const v = B64[c]!;
      if (v < 0) continue;
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[n++] = (acc >> bits) & 0xff;
      }
    }
    this.acc = acc;
    this.bits = bits;
    return out.subarray(0, n);
  }
}

/** RFC 2045 §6.8: the whole of a base64 body at once. */
function decodeBase64Bytes(input: Uint8Array): Uint8Array {
  return new Base64Decoder().push(input);
}

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** RFC 2045 §6.7: `=XX` escapes, soft line breaks (`=` at line end) and trailing blanks. */
function decodeQuotedPrintableBytes(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let n = 0;
  let lineStart = 0;
  while (lineStart <= input.length) {
    let lf = input.indexOf(0x0a, lineStart);
    const last = lf < 0;
    if (last) lf = input.length;
    let end = lf;
    if (end > lineStart && input[end - 1] === 0x0d) end--;
    // Rule 3: trailing blanks were added in transport.
    while (end > lineStart && (input[end - 1] === 0x20 || input[end - 1] === 0x09)) end--;
    let soft = false;
    for (let i = lineStart; i < end; i++) {
      const c = input[i]!;
      if (c !== 0x3d) {
        out[n++] = c;
        continue;
      }
      if (i === end - 1) {
        soft = true;
        break;
      }
      const hi = hex(input[i + 1]!);
      const lo = hex(input[i + 2] ?? 0);
      if (hi >= 0 && lo >= 0 && i + 2 < end) {
        out[n++] = (hi << 4) | lo;
        i += 2;
      } else out[n++] = c;
    }
    if (last) break;
    if (!soft) {
      out[n++] = 0x0d;
      out[n++] = 0x0a;
    }
    lineStart = lf + 1;
  }
  return out.subarray(0, n);
}

/** The body's bytes with the transfer encoding undone (7bit, 8bit, binary: as they are). */
export function decodedBody(entity: Entity): Uint8Array {
  const body = entity.raw.body;
  if (entity.transferEncoding === 'base64') return decodeBase64Bytes(body);
  if (entity.transferEncoding === 'quoted-printable') return decodeQuotedPrintableBytes(body);
  return body;
}

/** Text in the entity's charset (UTF-8 when absent or unknown); bad bytes become U+FFFD. */
export function decodeText(bytes: Uint8Array, charset: string | undefined): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset?.trim() || 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes).replace(/\r\n?/g, '\n');
}
