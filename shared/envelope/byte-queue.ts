// Pulls exact byte counts out of a chunked source without concatenating more than one chunk's worth.

import { concatBytes } from '../encoding.ts';

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Uint8Array>) {}

  get buffered(): number {
    return this.length;
  }

  get atEnd(): boolean {
    return this.ended;
  }

  /** Reads until at least `min` bytes are buffered or the source ends. */
  async fill(min: number): Promise<void> {
    while (this.length < min && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else if (next.value.length > 0) {
        this.chunks.push(next.value);
        this.length += next.value.length;
      }
    }
  }

  /** Removes and returns the first n buffered bytes (n ≤ buffered); a subarray when one chunk holds them. */
  take(n: number): Uint8Array {
    if (n > this.length) throw new RangeError('ByteQueue: not enough bytes');
    const first = this.chunks[0];
    let out: Uint8Array;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const parts: Uint8Array[] = [];
      let need = n;
      while (need > 0) {
        const c = this.chunks[0]!;
        if (c.length <= need) {
          parts.push(c);
          this.chunks.shift();
          need -= c.length;
        } else {
          parts.push(c.subarray(0, need));
          this.chunks[0] = c.subarray(need);
          need = 0;
        }
      }
      out = concatBytes(...parts);
    }
    this.length -= n;
    return out;
  }
}
