import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';
import { PG_ADMIN_URL, postgresAvailable } from './packages/server/test/postgres.js';

// Three projects, one `vitest run`:
// - sqlite: the server's suites, each starting its own server on its own SQLite file (files run in
//   parallel safely). The store contract suite inside it covers both engines itself.
// - packages: the other packages' suites (receiver SDK, protocol), some against a real huddle.
// - postgres: the HTTP and end-to-end suites again, on PostgreSQL (HUDDLE_TEST_ENGINE=postgres makes
//   harness.ts give every server a fresh database of its own, a copy of the run's migrated template,
//   dropped by close()).
// Without a reachable PostgreSQL the postgres project is left out with a visible message, except
// under CI=true, where postgresAvailable() throws and the run fails.

const ROOT = path.dirname(fileURLToPath(import.meta.url));
const SERVER_TESTS = 'packages/server/test';

/**
 * Suites that stay on SQLite: they spawn huddle processes (the built dist/main.js) over SQLite files of their own.
 * The browser suites (test/browser/) stay there too: the browser sees the same console on either engine.
 */
const SQLITE_ONLY = new Set(['process.test.ts', 'crash.test.ts', 'callback-config.test.ts']);

/** Every suite at the top of test/ that goes through harness.ts startServer(), except the SQLite-only ones. */
const postgresSuites = fs
  .readdirSync(path.join(ROOT, SERVER_TESTS))
  .filter((f) => f.endsWith('.test.ts') && !SQLITE_ONLY.has(f))
  .filter((f) => /\bstartServer\(/.test(fs.readFileSync(path.join(ROOT, SERVER_TESTS, f), 'utf8')))
  .map((f) => `${SERVER_TESTS}/${f}`);

// Vitest evaluates this file more than once per run (the projects extend it): ask and tell once.
const once = globalThis as typeof globalThis & { huddlePostgres?: Promise<boolean>; huddlePostgresTold?: boolean };
const withPostgres = await (once.huddlePostgres ??= postgresAvailable());
if (!once.huddlePostgresTold) {
  once.huddlePostgresTold = true;
  if (!withPostgres) {
    console.warn(
      `*** vitest: project "postgres" (${postgresSuites.length} HTTP/e2e suites on PostgreSQL) is skipped: ${PG_ADMIN_URL} is unreachable ***\n`,
    );
  }
}

export default defineConfig({
  // Our packages' "source" export condition: tests run the TypeScript, never a stale dist/.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    // Failure bounds only, never a speed check: a suite sharing 2 cores with another suite (load
    // average 10+) ran single spawned-CLI tests for 30 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two files at a time (Vitest's default is one on 2 cores): most of a suite's time is spent
    // waiting on PostgreSQL, spawned huddle processes and receivers, so a second file fills it.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['packages/server/test/**/*.test.ts', 'packages/server/src/**/*.test.ts', 'test/**/*.test.ts'],
          // The server's suites share nothing through modules (each starts servers, receivers and
          // databases of its own, and sets no globals or environment), so a worker runs file after
          // file without loading the server's modules again: a second or more per file.
          isolate: false,
          env: { HUDDLE_TEST_ENGINE: 'sqlite' },
          // postgres-setup.ts: the store contract suite's PostgreSQL half copies the migrated template.
          globalSetup: [
            `${SERVER_TESTS}/build-setup.ts`,
            ...(withPostgres ? [`${SERVER_TESTS}/postgres-setup.ts`] : []),
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'packages',
          include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'packages/server/**'],
          // Isolated: examples.test.ts sets process.env and spies on console.log for its whole file.
          env: { HUDDLE_TEST_ENGINE: 'sqlite' },
          globalSetup: [`${SERVER_TESTS}/build-setup.ts`],
        },
      },
      ...(withPostgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: postgresSuites,
                isolate: false, // as in sqlite
                env: { HUDDLE_TEST_ENGINE: 'postgres' },
                // Tags this run's databases, migrates the template they copy, and drops any a crashed or
                // timed-out suite left behind.
                globalSetup: [`${SERVER_TESTS}/build-setup.ts`, `${SERVER_TESTS}/postgres-setup.ts`],
              },
            },
          ]
        : []),
    ],
  },
});
