// The reader's resource limits (docs/limits.md). A mail past any of them is refused as a whole
// with `too_large`, never shown in part and never called "tampered": the limits bound what a
// hostile sender can make a browser tab, a service worker or the CLI spend on one mail.

import { NoiseError } from '../errors.ts';

export interface ReadLimits {
  /**
   * Decrypted bytes per mail, all layers together. The product's attachment limit is 25 MB,
   * which base64 makes about 34 MB of MIME; compression cannot stretch a message past this,
   * whatever its ratio, because decompressed bytes are counted as they come out.
   */
  maxDecryptedBytes: number;
  /** Bytes of input accepted at all (a mail, mbox or armored text). */
  maxInputBytes: number;
  /** PKESK packets that could be ours (our key ID or the wildcard) tried per OpenPGP message. */
  maxSessionKeyAttempts: number;
  /** PKESK + SKESK packets in one OpenPGP message, ours or not. */
  maxSessionKeyPackets: number;
  /** Encrypted or signed layers per mail: PGP/MIME parts, inline blocks, armored attachments. */
  maxProtectedParts: number;
  /** MIME entities per mail, counted across every layer (decrypted ones too). */
  maxMimeParts: number;
  /** Nesting of MIME entities (multiparts, message/rfc822, decrypted layers). */
  maxMimeDepth: number;
  /** Wall-clock time for one read, in milliseconds; Infinity for none. */
  budgetMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxDecryptedBytes: 48 * MiB,
  maxInputBytes: 64 * MiB,
  maxSessionKeyAttempts: 8,
  maxSessionKeyPackets: 10_000,
  maxProtectedParts: 32,
  maxMimeParts: 1000,
  maxMimeDepth: 24,
  budgetMs: Number.POSITIVE_INFINITY,
});

export function tooLarge(what: string): NoiseError {
  return new NoiseError('too_large', what);
}

/** What one read has spent so far; every check throws `too_large` once a limit is passed. */
export class ReadBudget {
  readonly limits: ReadLimits;
  private decrypted = 0;
  private protectedParts = 0;
  private mimeParts = 0;
  private readonly deadline: number;

  constructor(limits: Partial<ReadLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.deadline = Date.now() + this.limits.budgetMs;
  }

  /** Throws when the read has run past its wall-clock budget. */
  checkTime(): void {
    if (Date.now() > this.deadline) {
      throw tooLarge(`reading took longer than ${Math.round(this.limits.budgetMs / 1000)} s`);
    }
  }

  input(bytes: number): void {
    if (bytes > this.limits.maxInputBytes) {
      throw tooLarge(`the input is larger than ${this.limits.maxInputBytes / MiB} MiB`);
    }
  }

  /** Counts decrypted bytes as they come out of a layer (before they are kept). */
  addDecrypted(bytes: number): void {
    this.decrypted += bytes;
    if (this.decrypted > this.limits.maxDecryptedBytes) {
      throw tooLarge(`the decrypted mail is larger than ${this.limits.maxDecryptedBytes / MiB} MiB`);
    }
    this.checkTime();
  }

  addProtectedPart(): void {
    if (++this.protectedParts > this.limits.maxProtectedParts) {
      throw tooLarge(`more than ${this.limits.maxProtectedParts} encrypted or signed parts`);
    }
    this.checkTime();
  }

  addMimePart(depth: number): void {
    if (++this.mimeParts > this.limits.maxMimeParts) {
      throw tooLarge(`more than ${this.limits.maxMimeParts} MIME parts`);
    }
    if (depth > this.limits.maxMimeDepth) {
      throw tooLarge(`MIME parts nested deeper than ${this.limits.maxMimeDepth}`);
    }
  }
}
