import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Every test file starts its own server on its own SQLite file, so files run in parallel safely.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
