// §4.6 Kept copies. Once an envelope is opened its one-time prekey is deleted (§2.4), so it can
// never be opened again; a reader that must show it again keeps a copy of what it opened: the
// plaintext and the signed facts of its verdict, found by the SHA-256 of the envelope bytes.
// Where and how the copy is stored is the caller's (the extension seals it with read-cache-v1,
// docs/spec/read-cache-v1.md); this module only fixes what a copy holds and its byte form:
//
//   copy  = u32(len(facts)) ‖ facts ‖ plaintext
//   facts = UTF-8 JSON { v: 1, envelopeId (hex), createdAt, senderAddress,
//           sender: { signingKey, dhKey, dhKeySignature } (base64url), recipients,
//           signedPrekeyId, oneTimePrekeyId, firstOpenedAt }

import { concatBytes, fromBase64Url, fromHex, fromUtf8, toHex, u32be, utf8 } from '../encoding.ts';
import { NoiseError } from '../errors.ts';
import { identityToJson } from './public-json.ts';
import type { VerdictFacts } from './verdict.ts';

export interface KeptCopy {
  plaintext: Uint8Array;
  facts: VerdictFacts;
  /** When this device first opened the envelope (unix milliseconds). */
  firstOpenedAt: number;
}

/** Where a reader keeps its copies; `envelopeDigest` is SHA-256 of the whole binary envelope. */
export interface KeptCopies {
  get(envelopeDigest: Uint8Array): Promise<KeptCopy | null>;
  put(envelopeDigest: Uint8Array, copy: KeptCopy): Promise<void>;
}

export function encodeKeptCopy(copy: KeptCopy): Uint8Array {
  const f = copy.facts;
  const facts = utf8(
    JSON.stringify({
      v: 1,
      envelopeId: toHex(f.envelopeId),
      createdAt: f.createdAt,
      senderAddress: f.senderAddress,
      sender: identityToJson(f.sender),
      recipients: f.recipients,
      signedPrekeyId: f.signedPrekeyId,
      oneTimePrekeyId: f.oneTimePrekeyId,
      firstOpenedAt: copy.firstOpenedAt,
    }),
  );
  return concatBytes(u32be(facts.length), facts, copy.plaintext);
}

function malformed(): NoiseError {
  return new NoiseError('malformed', 'kept copy: not in the v1 form');
}

const isInt = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

function key(text: unknown, length: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(text as string);
  } catch {
    throw malformed();
  }
  if (bytes.length !== length) throw malformed();
  return bytes;
}
const isText = (s: unknown): s is string => typeof s === 'string';

/** Decodes a copy written by encodeKeptCopy; anything else is NoiseError('malformed'). */
export function decodeKeptCopy(bytes: Uint8Array): KeptCopy {
  if (bytes.length < 4) throw malformed();
  const length = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  if (4 + length > bytes.length) throw malformed();
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(fromUtf8(bytes.subarray(4, 4 + length)));
  } catch {
    throw malformed();
  }
  const sender = j.sender as Record<string, unknown> | undefined;
  const recipients = j.recipients as unknown[];
  const ok =
    j.v === 1 &&
    isText(j.envelopeId) &&
    /^[0-9a-f]{32}$/.test(j.envelopeId) &&
    isInt(j.createdAt) &&
    isText(j.senderAddress) &&
    typeof sender === 'object' &&
    sender !== null &&
    isText(sender.signingKey) &&
    isText(sender.dhKey) &&
    isText(sender.dhKeySignature) &&
    Array.isArray(recipients) &&
    recipients.every((r) => {
      const e = r as Record<string, unknown>;
      return isText(e?.address) && isText(e.deviceId) && isText(e.keyId);
    }) &&
    isInt(j.signedPrekeyId) &&
    (j.oneTimePrekeyId === null || isInt(j.oneTimePrekeyId)) &&
    isInt(j.firstOpenedAt);
  if (!ok) throw malformed();
  return {
    plaintext: bytes.slice(4 + length),
    firstOpenedAt: j.firstOpenedAt as number,
    facts: {
      envelopeId: fromHex(j.envelopeId as string),
      createdAt: j.createdAt as number,
      senderAddress: j.senderAddress as string,
      sender: {
        signingKey: key(sender!.signingKey, 32),
        dhKey: key(sender!.dhKey, 32),
        dhKeySignature: key(sender!.dhKeySignature, 64),
      },
      recipients: recipients.map((r) => {
        const e = r as { address: string; deviceId: string; keyId: string };
        return { address: e.address, deviceId: e.deviceId, keyId: e.keyId };
      }),
      signedPrekeyId: j.signedPrekeyId as number,
      oneTimePrekeyId: j.oneTimePrekeyId as number | null,
    },
  };
}

/** An in-memory KeptCopies (tests, the CLI). */
export class MemoryKeptCopies implements KeptCopies {
  private readonly copies = new Map<string, Uint8Array>();
  async get(envelopeDigest: Uint8Array): Promise<KeptCopy | null> {
    const bytes = this.copies.get(toHex(envelopeDigest));
    return bytes ? decodeKeptCopy(bytes) : null;
  }
  async put(envelopeDigest: Uint8Array, copy: KeptCopy): Promise<void> {
    this.copies.set(toHex(envelopeDigest), encodeKeptCopy(copy));
  }
}
