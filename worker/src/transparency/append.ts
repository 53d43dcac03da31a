// appendEvents: the one way a directory change reaches the log (docs/spec/transparency-v1.md
// §4.4). It turns events into leaf INSERTs for the caller's D1 batch, so the change and its
// leaves commit together or not at all; without log keys it throws 503 and the change is not
// made.

import {
  type DirectoryEvent,
  leafForEvent,
  openpgpFingerprintBytes,
} from '../../../shared/transparency/index.ts';
import type { Bindings } from '../env.ts';
import { type AccountView, changeEvents } from './account-view.ts';
import { insertLeafStatement } from './leaves-table.ts';
import { type LogEnv, logKeys } from './log-keys.ts';

type AppendEnv = Pick<Bindings, 'DB'> & LogEnv;

export function appendEvents(env: AppendEnv, events: DirectoryEvent[], now: number): D1PreparedStatement[] {
  if (events.length === 0) return [];
  const { vrfSecret } = logKeys(env);
  return events.map((e) => insertLeafStatement(env.DB, leafForEvent(vrfSecret, e, now)));
}

/** The leaves of a change from the account's view before and after it. */
export function logChangeStatements(
  env: AppendEnv,
  before: AccountView,
  after: AccountView,
  now: number,
): D1PreparedStatement[] {
  return appendEvents(env, changeEvents(before, after), now);
}

/**
 * The leaf of an address leaving the directory outside publishing (an inbox released): one
 * `address_released` naming the key it served, for the batch that deletes the binding.
 */
export function addressReleasedStatements(
  env: AppendEnv,
  address: string,
  servedFingerprint: string,
  now: number,
): D1PreparedStatement[] {
  const previous = openpgpFingerprintBytes(servedFingerprint);
  return appendEvents(env, [{ event: 'address_released', address, fingerprint: null, previous }], now);
}
