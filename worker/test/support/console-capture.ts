// Everything the Worker writes to the console during a test, as text (an Error with its name,
// message and stack), for the tests that attack "logs carry no plaintext and no addresses"
// (docs/threat-model.md).

import { afterEach, beforeEach, vi } from 'vitest';

/** Registers the capture for the calling file's tests; the returned list is refilled per test. */
export function captureConsole(): string[] {
  const logged: string[] = [];
  beforeEach(() => {
    logged.length = 0;
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(
          args.map((a) => (a instanceof Error ? `${a.name} ${a.message} ${a.stack}` : String(a))).join(' '),
        );
      });
  });
  afterEach(() => vi.restoreAllMocks());
  return logged;
}
