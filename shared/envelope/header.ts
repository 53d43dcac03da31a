// §5 Binary header encoding: magic, length, fields, recipient entries, header MAC.
// Decoding is canonical and strict: any deviation is NoiseError('malformed'), an unknown version
// behind our magic prefix is 'unsupported'.

import { isAddress } from '../address.ts';
import { concatBytes, fromUtf8, lp8, toHex, u32be, u64be, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { isDeviceId } from './assert.ts';
import type { PublicIdentity } from './identity.ts';
import { LABEL_FORMAT, LABEL_FORMAT_FAMILY } from './labels.ts';
import type { RecipientEntry } from './x3dh.ts';

export const MAGIC = concatBytes(utf8(LABEL_FORMAT), new Uint8Array([0]));
/** Magic plus the u32 header length. */
export const HEADER_PREFIX_LENGTH = MAGIC.length + 4;
/** §5.4 limits that keep a hostile header from costing much. */
export const MAX_RECIPIENTS = 1024;
const MAX_HEADER_LENGTH = 512 * 1024;
export const HEADER_MAC_LENGTH = 32;

export interface EnvelopeHeader {
  /** 16 random bytes: replay detection (§4.5) and part of every entry's AD. */
  envelopeId: Uint8Array;
  /** Sender's clock, unix seconds. */
  createdAt: number;
  /** 16 random bytes: HKDF salt of the payload key (§4.1). */
  payloadNonce: Uint8Array;
  senderAddress: string;
  sender: PublicIdentity;
  entries: RecipientEntry[];
}

function encodeEntry(e: RecipientEntry): Uint8Array {
  return concatBytes(
    lp8(e.address),
    lp8(e.deviceId),
    e.keyId,
    u32be(e.signedPrekeyId),
    e.oneTimePrekeyId === null
      ? new Uint8Array([0])
      : concatBytes(new Uint8Array([1]), u32be(e.oneTimePrekeyId)),
    e.ephemeralKey,
    e.wrappedKey,
  );
}

/** §5.2: everything the header MAC covers (magic through the last entry). */
export function encodeHeaderUnmacked(h: EnvelopeHeader): Uint8Array {
  const body = concatBytes(
    h.envelopeId,
    u64be(h.createdAt),
    h.payloadNonce,
    lp8(h.senderAddress),
    h.sender.signingKey,
    h.sender.dhKey,
    h.sender.dhKeySignature,
    new Uint8Array([h.entries.length >> 8, h.entries.length & 0xff]),
    ...h.entries.map(encodeEntry),
  );
  return concatBytes(MAGIC, u32be(body.length + HEADER_MAC_LENGTH), body);
}

class ByteReader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  take(n: number, what: string): Uint8Array {
    if (this.offset + n > this.bytes.length) throw new NoiseError('malformed', `header: truncated ${what}`);
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  u8(what: string): number {
    return this.take(1, what)[0]!;
  }
  u32(what: string): number {
    const b = this.take(4, what);
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
  }
  u64(what: string): number {
    const b = this.take(8, what);
    const n = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);
    if (n > BigInt(Number.MAX_SAFE_INTEGER))
      throw new NoiseError('malformed', `header: ${what} out of range`);
    return Number(n);
  }
  text(what: string): string {
    const bytes = this.take(this.u8(what), what);
    try {
      return fromUtf8(bytes);
    } catch {
      throw new NoiseError('malformed', `header: ${what} is not UTF-8`);
    }
  }
  get remaining(): number {
    return this.bytes.length - this.offset;
  }
}

/** §5.1: checks the magic and returns the total header length (prefix + body + MAC). */
export function parseHeaderPrefix(prefix: Uint8Array): number {
  if (prefix.length < HEADER_PREFIX_LENGTH)
    throw new NoiseError('malformed', 'envelope: shorter than its header');
  if (!MAGIC.every((b, i) => prefix[i] === b)) {
    const family = utf8(LABEL_FORMAT_FAMILY);
    const sameFamily = family.every((b, i) => prefix[i] === b);
    throw new NoiseError(sameFamily ? 'unsupported' : 'malformed', 'envelope: unknown format or version');
  }
  const bodyLength = new DataView(prefix.buffer, prefix.byteOffset + MAGIC.length, 4).getUint32(0);
  const total = HEADER_PREFIX_LENGTH + bodyLength;
  if (total > MAX_HEADER_LENGTH) throw new NoiseError('malformed', 'header: too long');
  return total;
}

/** §5.2 decoding of a complete header (prefix included); returns the MAC apart. */
export function decodeHeader(bytes: Uint8Array): {
  header: EnvelopeHeader;
  unmacked: Uint8Array;
  mac: Uint8Array;
} {
  const total = parseHeaderPrefix(bytes);
  if (bytes.length !== total) throw new NoiseError('malformed', 'header: length mismatch');
  const r = new ByteReader(bytes);
  r.take(HEADER_PREFIX_LENGTH, 'prefix');
  const envelopeId = r.take(16, 'envelope id');
  const createdAt = r.u64('createdAt');
  const payloadNonce = r.take(16, 'payload nonce');
  const senderAddress = r.text('sender address');
  if (!isAddress(senderAddress)) throw new NoiseError('malformed', 'header: invalid sender address');
  const sender: PublicIdentity = {
    signingKey: r.take(32, 'sender signing key'),
    dhKey: r.take(32, 'sender DH key'),
    dhKeySignature: r.take(64, 'sender DH key signature'),
  };
  const count = (r.u8('count') << 8) | r.u8('count');
  if (count < 1 || count > MAX_RECIPIENTS)
    throw new NoiseError('malformed', 'header: recipient count out of range');
  const entries: RecipientEntry[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const address = r.text('recipient address');
    const deviceId = r.text('device id');
    if (!isAddress(address) || !isDeviceId(deviceId)) {
      throw new NoiseError('malformed', 'header: invalid recipient address or device id');
    }
    const keyId = r.take(16, 'key id');
    const signedPrekeyId = r.u32('signed prekey id');
    const flag = r.u8('one-time prekey flag');
    if (flag > 1) throw new NoiseError('malformed', 'header: one-time prekey flag must be 0 or 1');
    const oneTimePrekeyId = flag === 1 ? r.u32('one-time prekey id') : null;
    const ephemeralKey = r.take(32, 'ephemeral key');
    const wrappedKey = r.take(48, 'wrapped key');
    // §5.4: one entry per (address, device, identity); a repeated one is a crafted header.
    const key = `${toHex(keyId)} ${deviceId} ${address}`;
    if (seen.has(key)) throw new NoiseError('malformed', 'header: duplicate recipient entry');
    seen.add(key);
    entries.push({ address, deviceId, keyId, signedPrekeyId, oneTimePrekeyId, ephemeralKey, wrappedKey });
  }
  if (r.remaining !== HEADER_MAC_LENGTH) throw new NoiseError('malformed', 'header: trailing bytes');
  const unmacked = bytes.subarray(0, total - HEADER_MAC_LENGTH);
  const mac = r.take(HEADER_MAC_LENGTH, 'header MAC');
  return { header: { envelopeId, createdAt, payloadNonce, senderAddress, sender, entries }, unmacked, mac };
}
