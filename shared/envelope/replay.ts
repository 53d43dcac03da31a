// §4.5 Replay detection: the envelopes a device has opened. The extension backs this with
// IndexedDB (and deletes the one-time prekey an envelope used when it records it, §2.4); the
// in-memory store serves tests and the CLI.

/** What a reader records about an envelope it opened and verified. */
export interface OpenedEnvelopeRecord {
  /** Lowercase hex of the 16-byte envelope id. */
  envelopeId: string;
  /** The header's createdAt (unix seconds). */
  createdAt: number;
  /** The one-time prekey the envelope used (now to be deleted), or null. */
  oneTimePrekeyId: number | null;
}

export interface ReplayStore {
  /** When the envelope id was recorded (unix milliseconds), or null when it never was. */
  openedAt(envelopeId: string): Promise<number | null>;
  /**
   * Records an opened envelope; resolves false when its id was there already (an atomic
   * check-and-set, so two concurrent opens of one envelope cannot both count as the first).
   */
  record(opened: OpenedEnvelopeRecord): Promise<boolean>;
}

export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async openedAt(envelopeId: string): Promise<number | null> {
    return this.seen.get(envelopeId) ?? null;
  }

  async record(opened: OpenedEnvelopeRecord): Promise<boolean> {
    if (this.seen.has(opened.envelopeId)) return false;
    this.seen.set(opened.envelopeId, this.now());
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
