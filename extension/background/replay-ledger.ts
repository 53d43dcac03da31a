// envelope-v1 §4.5 on this device: the envelopes it opened, in IndexedDB. Rows are keyed by an
// HMAC of the envelope id under a key from the vault (local-keys.ts), so the database alone does
// not say which mail was opened. Recording an envelope that used a one-time prekey deletes that
// prekey (§2.4, prekey-custody.ts): the ledger is where "this prekey was used" is written first,
// and anything still holding the prekey afterwards is swept against it.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { fromHex, toHex, utf8 } from '../../shared/encoding.ts';
import type { OpenedEnvelopeRecord, ReplayStore } from '../../shared/envelope/index.ts';
import type { Database } from '../store/db.ts';

const NO_PREKEY = -1;

export class ReplayLedger implements ReplayStore {
  constructor(
    private readonly db: Database,
    private readonly key: Uint8Array,
    /**
     * Starts deleting the one-time prekey an envelope used, once the envelope is recorded. Not
     * awaited: the read need not wait for other vault writers; until it is done the recorded row
     * already makes a second open 'duplicate', and upkeep sweeps against the ledger.
     */
    private readonly consume: (oneTimePrekeyId: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Which identity a row belongs to (another account on this profile has other rows). */
  private get owner(): string {
    return toHex(hmac(sha256, this.key, utf8('owner'))).slice(0, 32);
  }

  private id(envelopeId: string): string {
    return toHex(hmac(sha256, this.key, fromHex(envelopeId)));
  }

  async openedAt(envelopeId: string): Promise<number | null> {
    return (await this.db.get('opened', this.id(envelopeId)))?.openedAt ?? null;
  }

  async record(opened: OpenedEnvelopeRecord): Promise<boolean> {
    const id = this.id(opened.envelopeId);
    // One readwrite transaction: the check and the write cannot interleave with another record.
    const tx = this.db.transaction('opened', 'readwrite');
    const fresh = (await tx.store.get(id)) === undefined;
    if (fresh)
      await tx.store.put({
        id,
        owner: this.owner,
        openedAt: this.now(),
        oneTimePrekeyId: opened.oneTimePrekeyId ?? NO_PREKEY,
      });
    await tx.done;
    if (opened.oneTimePrekeyId !== null) this.consume(opened.oneTimePrekeyId);
    return fresh;
  }

  /** Every one-time prekey id an opened envelope used (to sweep secrets that still hold one). */
  async usedOneTimePrekeys(): Promise<number[]> {
    const rows = await this.db.getAllFromIndex('opened', 'oneTimePrekeyId', IDBKeyRange.lowerBound(0));
    const owner = this.owner;
    return rows.filter((r) => r.owner === owner).map((r) => r.oneTimePrekeyId);
  }
}
