// Test support (Node tests and e2e, never the shipped extension): the transparency checks as the
// background wires them, over a fresh fake-indexeddb database, and a fetcher that serves a
// TestLogServer's log routes before handing other requests to the test's own directory.

import 'fake-indexeddb/auto';
import type { TestLogServer } from '../../shared/transparency/test/log-server.ts';
import { openDatabase } from '../store/db.ts';
import { defaultSettings, Records } from '../store/records.ts';
import { anonymousClient } from './server.ts';
import { createTransparency } from './transparency.ts';

let databases = 0;

/** The checks over their own database; log calls through the one API client on `fetcher`. */
export async function testTransparency(fetcher: typeof fetch = fetch, now?: () => number) {
  const records = new Records(
    await openDatabase(`transparency-${databases++}-${Date.now()}`),
    defaultSettings(true),
  );
  const transparency = createTransparency({
    records,
    log: (url) => anonymousClient(url, fetcher).log,
    ...(now ? { now } : {}),
  });
  return { records, transparency };
}

/** Lazily made checks, for code that wants them synchronously (createDirectoryLookups). */
export function lazyTransparency(fetcher: typeof fetch = fetch) {
  const made = testTransparency(fetcher);
  return {
    verifyAnswer: async (...args: Parameters<Awaited<typeof made>['transparency']['verifyAnswer']>) =>
      (await made).transparency.verifyAnswer(...args),
    load: async (url: string) => (await made).transparency.load(url),
    made,
  };
}

/** Serves `server`'s log routes, and everything else from `rest`. */
export function withLogRoutes(server: TestLogServer, rest: typeof fetch): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const answered = server.answer(new URL(String(input instanceof Request ? input.url : input)));
    return answered ?? rest(input, init);
  }) as typeof fetch;
}
