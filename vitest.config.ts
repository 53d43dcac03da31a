import { defineConfig } from 'vitest/config';

// Unit and property tests that run in Node: shared/, cli/, extension logic (fake-indexeddb),
// and interop tests that drive the real gpg and sq.
export default defineConfig({
  test: {
    include: [
      'shared/**/*.test.ts',
      'cli/**/*.test.ts',
      'extension/**/*.test.ts',
      'e2e/webmail/**/*.test.ts',
      'e2e/screenshots/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
