// §4.5 Replay detection: envelope ids already opened. The extension backs this with IndexedDB;
// the in-memory store serves tests and the CLI.

export interface ReplayStore {
  /** Whether the id was recorded before. */
  has(envelopeId: string): Promise<boolean>;
  /** Records the id; resolves false when it was already there (atomic check-and-set). */
  record(envelopeId: string, createdAt: number): Promise<boolean>;
}

export class MemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();

  async has(envelopeId: string): Promise<boolean> {
    return this.seen.has(envelopeId);
  }

  async record(envelopeId: string, createdAt: number): Promise<boolean> {
    if (this.seen.has(envelopeId)) return false;
    this.seen.set(envelopeId, createdAt);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
