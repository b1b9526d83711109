// Global setup of the vitest project "postgres": gives this run a tag that harness.ts puts in the
// name of every database it creates, and after the run drops whatever a suite left behind (a server
// whose start timed out, a suite that never reached close()), so no run leaves databases around.

import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { dropTestDatabases } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Tag of this run's PostgreSQL test databases (see postgres.ts createTestDatabase). */
    huddlePgRunTag: string;
  }
}

export default function setup(project: TestProject) {
  const tag = randomBytes(4).toString('hex');
  project.provide('huddlePgRunTag', tag);
  return async () => {
    const left = await dropTestDatabases(tag);
    if (left.length > 0)
      console.warn(`postgres-setup: dropped ${left.length} test database(s) a suite left behind: ${left.join(', ')}`);
  };
}
