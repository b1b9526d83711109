// The report's gatewaypg section: two instances on PostgreSQL, and the extra hop between them.

import { round } from '../lib/stats.js';
import type { GatewayPgResult } from '../scenarios/gatewaypg.js';
import { fmt } from './format.js';
import { printRuns } from './gateway.js';

/** Prints the section; returns its figures. */
export function printGatewayPg(r: GatewayPgResult): Record<string, number> {
  console.log('\ngatewaypg (issue 15): the fan-out on huddle instances sharing one PostgreSQL database:');
  printRuns(r.runs);
  const [bare, one, two, paced] = r.runs;
  const [same, other] = paced!.latencyByTagMs;
  const figures = {
    pgOneOverBare: round(one!.deliveriesPerSec / bare!.deliveriesPerSec, 3),
    pgTwoOverBare: round(two!.deliveriesPerSec / bare!.deliveriesPerSec, 3),
    pgTwoOverOne: round(two!.deliveriesPerSec / one!.deliveriesPerSec, 3),
    pgTwoCpuPerDeliveryOverBare: round((two!.cpuUsPerDelivery ?? NaN) / (bare!.cpuUsPerDelivery ?? NaN), 2),
    sameInstanceP50Ms: same!.p50,
    sameInstanceP99Ms: same!.p99,
    otherInstanceP50Ms: other!.p50,
    otherInstanceP99Ms: other!.p99,
    extraHopP50Ms: round(other!.p50 - same!.p50),
    extraHopP99Ms: round(other!.p99 - same!.p99),
  };
  console.log(
    `  deliveries/s: 1 instance ÷ bare ${fmt(figures.pgOneOverBare, 3)}, 2 instances ÷ bare ${fmt(figures.pgTwoOverBare, 3)}, 2 ÷ 1 ${fmt(figures.pgTwoOverOne, 3)}; CPU per delivery, 2 instances ÷ bare ${fmt(figures.pgTwoCpuPerDeliveryOverBare, 2)}`,
  );
  console.log(
    `  paced, send→receipt on the sender's instance p50 ${fmt(same!.p50, 1)} / p99 ${fmt(same!.p99, 1)} ms, on the other p50 ${fmt(other!.p50, 1)} / p99 ${fmt(other!.p99, 1)} ms: the extra hop p50 ${fmt(figures.extraHopP50Ms, 1)} ms, p99 ${fmt(figures.extraHopP99Ms, 1)} ms`,
  );
  if (r.databasesDropped.length > 0) console.log(`  databases created and dropped: ${r.databasesDropped.join(', ')}`);
  return figures;
}
