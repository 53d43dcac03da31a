// Re-encryption after an inbox key rotation (docs/spec/mailbox-v1.md §6.3): every stored object
// still sealed under an older inbox key is opened and re-sealed under the current one, with the
// same compare-and-swap as a first open, then the local search source follows. The walk goes page
// by page through each inbox's folders and records where it stands after every page, so a closed
// browser, a lock or a crash resumes where it stopped. Arrivals still sealed to the directory key
// are left alone: their first open seals them under the current key anyway.

import type { ApiClient } from '../../../shared/api/client.ts';
import { isApiClientError } from '../../../shared/api/client.ts';
import type { Folder, InboxMessage } from '../../../shared/api/inbox.ts';
import { fromBase64Url, toHex } from '../../../shared/encoding.ts';
import { sealedKeyId } from '../../../shared/mailbox/index.ts';
import type { InboxRecords } from '../../store/inbox-records.ts';
import type { InboxRotationRecord } from '../../store/schema.ts';
import { currentInboxKey } from './keyring.ts';
import { openStoredMessage } from './open-message.ts';
import type { SearchStore } from './search-store.ts';
import type { StoredKeySource } from './stored-objects.ts';

const FOLDERS: Folder[] = ['inbox', 'sent'];
const PAGE = 50;
/** A pass that could not move everything (offline, a race) is walked again, this many in all. */
export const MAX_PASSES = 3;

function walk(addresses: string[]): InboxRotationRecord['pending'] {
  return addresses.flatMap((address) => FOLDERS.map((folder) => ({ address, folder, before: null })));
}

/** A new walk towards `target` over every folder of `addresses` (replacing any earlier one). */
export function newRotation(target: string, addresses: string[], now = Date.now()): InboxRotationRecord {
  return {
    kind: 'inbox-rotation',
    target,
    addresses,
    pending: walk(addresses),
    moved: 0,
    failed: 0,
    passes: 1,
    startedAt: now,
    finishedAt: null,
  };
}

function sealedUnder(m: InboxMessage): string | null {
  if (m.format !== 'inbox-v1') return null;
  const id = sealedKeyId(fromBase64Url(m.summary));
  return id ? toHex(id) : null;
}

export interface RotationDeps {
  api: ApiClient;
  records: InboxRecords;
  keys: StoredKeySource;
  search: SearchStore;
  now?: () => number;
}

/**
 * Walks on for about `budgetMs`; returns the record as it stands. Runs again (the poll alarm)
 * until `finishedAt` is set. A rotation begun while this one walks takes over its target.
 */
export async function continueRotation(
  deps: RotationDeps,
  budgetMs = 20_000,
): Promise<InboxRotationRecord | null> {
  const now = deps.now ?? Date.now;
  const rec = await deps.records.rotation();
  if (!rec || rec.finishedAt !== null) return rec;
  const ring = await deps.keys.ring();
  const target = currentInboxKey(ring).id;
  if (target !== rec.target) Object.assign(rec, newRotation(target, rec.addresses, rec.startedAt));
  const deadline = now() + budgetMs;
  while (rec.pending.length > 0 && now() < deadline) {
    const step = rec.pending[0]!;
    let page: { messages: InboxMessage[]; next: string | null };
    try {
      page = await deps.api.inbox.list(step.address, {
        folder: step.folder,
        limit: PAGE,
        ...(step.before ? { before: step.before } : {}),
      });
    } catch (e) {
      // A released inbox has nothing left to move.
      if (!(isApiClientError(e) && e.status === 404)) throw e;
      page = { messages: [], next: null };
    }
    for (const m of page.messages) {
      const under = sealedUnder(m);
      if (under === null || under === target) continue;
      try {
        const out = await openStoredMessage(deps.api, step.address, m.id, deps.keys);
        if (out.resealed) rec.moved++;
        else if (out.resealFailed) rec.failed++;
      } catch (e) {
        // Deleted meanwhile: nothing to move. Anything else is counted and left for a later walk.
        if (!(isApiClientError(e) && e.status === 404)) rec.failed++;
      }
    }
    if (page.next) step.before = page.next;
    else rec.pending.shift();
    await deps.records.putRotation(rec);
  }
  if (rec.pending.length === 0 && rec.failed > 0 && rec.passes < MAX_PASSES) {
    // Some could not move: walk again (they are the only ones still under an older key).
    Object.assign(rec, { pending: walk(rec.addresses), failed: 0, passes: rec.passes + 1 });
    await deps.records.putRotation(rec);
    return rec;
  }
  if (rec.pending.length === 0) {
    await deps.search.reseal(ring);
    rec.finishedAt = now();
    await deps.records.putRotation(rec);
  }
  return rec;
}
