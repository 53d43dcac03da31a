// Reads an inbound message into memory, refusing more than the limit while reading: `rawSize`
// is what Email Routing reports, the stream is what arrives.

import { concatBytes } from '../../../shared/encoding.ts';

export class TooLarge extends Error {}

export async function readRaw(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > limit) {
      await reader.cancel();
      throw new TooLarge();
    }
    parts.push(value);
  }
  return concatBytes(...parts);
}
