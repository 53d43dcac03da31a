// Running a directory batch (one D1 transaction). A constraint the batch trips because of what
// the client sent is the client's fault and answers 4xx, never 500.

import { ApiError } from '../http/errors.ts';
import { IDENTITY_TAKEN_ERROR, identityTaken } from '../prekeys/envelope-publish.ts';

/** Maps D1 constraint failures a request can cause; anything else is rethrown. */
export function clientConstraintError(e: unknown): ApiError | null {
  const text = String(e);
  if (/UNIQUE constraint failed: one_time_prekeys/.test(text))
    return new ApiError(409, 'duplicate_prekey', 'A one-time prekey with this id is already in stock.');
  if (IDENTITY_TAKEN_ERROR.test(text)) return identityTaken();
  return null;
}

export async function runBatch(db: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  try {
    await db.batch(statements);
  } catch (e) {
    throw clientConstraintError(e) ?? e;
  }
}
