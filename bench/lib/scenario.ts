// What a scenario is (one file each in bench/scenarios/), and what it gets to run with.

import type { Huddle, ServerRecord } from './huddle.js';
import type { PhaseResult } from './phase.js';
import type { Receiver } from './receiver-process.js';

/**
 * Servers several scenarios share, started before the first selected scenario that uses them and
 * stopped after the last (bench/lib/fixtures.ts):
 *   huddle    the plain huddle of scenarios 2–4 (label `huddle`)
 *   receiver  the business server, bench/receiver.ts
 *   webhooks  a huddle whose webhooks.yml points at the receiver, every hook off (`huddle-webhooks`);
 *             it brings up the receiver too
 */
export type Fixture = 'huddle' | 'receiver' | 'webhooks';

export interface ScenarioContext {
  huddle(): Huddle;
  receiver(): Receiver;
  webhooks(): Huddle;
  /** Huddles a scenario starts and stops itself go here, for the log scan at the end. */
  servers: ServerRecord[];
}

export interface ScenarioOutput<R> {
  /** Rows of the main table, in the order they ran. */
  phases: PhaseResult[];
  /** `throughput` rows get a ratio to the baseline; `latency` rows ((b): other concurrencies) do not. */
  kind: 'throughput' | 'latency';
  /** What the scenario's own part of the report needs (undefined when the rows say it all). */
  result: R;
}

export interface Scenario<N extends string = string, R = unknown> {
  /** Its name in BENCH_SCENARIOS. */
  name: N;
  /** What it measures, in one line. */
  measures: string;
  /** Whether it runs when BENCH_SCENARIOS is not set. */
  byDefault: boolean;
  uses: readonly Fixture[];
  run(ctx: ScenarioContext): Promise<ScenarioOutput<R>>;
}

/** Keeps a scenario's literal name and result type (for the typed outputs the report reads). */
export const defineScenario = <N extends string, R>(s: Scenario<N, R>): Scenario<N, R> => s;
