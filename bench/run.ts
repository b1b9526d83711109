// `npm run bench`: HTTP throughput and latency of huddle against a bare node:http baseline measured
// in the same run, on the same machine, with the same load generator. See bench/README.md.
//
// Every server under test runs in its own child process; this process is only the load generator.
// The baseline runs first and last; between them the scenarios BENCH_SCENARIOS selects (default:
// every one but pg) run in the order of bench/scenarios/index.ts. The other variables are read by
// bench/lib/settings.ts.

import os from 'node:os';
import { stopChildrenOnExit, terminateChildren } from './lib/children.js';
import { runScenarios } from './lib/fixtures.js';
import { gitState } from './lib/git-state.js';
import type { ServerRecord } from './lib/huddle.js';
import { dropBenchDatabases, undroppedBenchDatabases } from './lib/postgres.js';
import { removeTmpDir } from './lib/workdir.js';
import { printHeader, report } from './report.js';
import { baseline } from './scenarios/baseline.js';
import { type Outputs, SCENARIOS } from './scenarios/index.js';

const names: string[] = SCENARIOS.map((s) => s.name);
const byDefault = SCENARIOS.filter((s) => s.byDefault).map((s) => s.name);
const selected = [...new Set((process.env.BENCH_SCENARIOS || byDefault.join(',')).split(',').map((x) => x.trim()))];
for (const name of selected) if (!names.includes(name)) throw new Error(`BENCH_SCENARIOS: unknown scenario "${name}"`);

stopChildrenOnExit(() =>
  // The PostgreSQL databases this run created go too (WITH (FORCE) closes stray connections).
  dropBenchDatabases().then(
    () => {},
    (err: unknown) => console.error(`bench: could not drop the bench databases: ${(err as Error).message}`),
  ),
);

async function main(): Promise<void> {
  const started = new Date();
  const git = gitState();
  const loadAtStart = os.loadavg();
  printHeader(selected, git);
  const before = await baseline('before');
  const servers: ServerRecord[] = [];
  const { outputs, receiverExit } = await runScenarios(
    SCENARIOS.filter((s) => selected.includes(s.name)),
    servers,
  );
  const after = await baseline('after');
  const allVerified = report({
    started,
    git,
    loadAtStart,
    selected,
    before,
    after,
    outputs: outputs as Outputs,
    servers,
    receiverExit,
  });
  if (!allVerified) {
    console.error('\nbench: VERIFICATION FAILED (see above)');
    process.exitCode = 1;
  }
}

try {
  await main();
} finally {
  terminateChildren();
  removeTmpDir();
  const left = await dropBenchDatabases().catch((err: unknown) => {
    console.error(
      `bench: could not drop the bench databases ${undroppedBenchDatabases().join(', ')}: ${(err as Error).message}`,
    );
    process.exitCode = 1;
    return [];
  });
  if (left.length > 0) console.error(`bench: dropped leftover bench databases ${left.join(', ')}`);
}
