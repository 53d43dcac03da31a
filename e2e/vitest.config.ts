import { defineConfig } from 'vitest/config';

// Real-program tests: browsers with the built extension, wrangler dev on 127.0.0.1, gpg and sq.
// Files run one at a time: each starts its own processes, and CI has two cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
