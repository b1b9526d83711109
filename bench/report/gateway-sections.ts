// The gateway scenarios' part of the report: their sections, their targets (issue 15), their checks
// and what the summary keeps of them.

import type { RunFigures } from '../lib/fanout.js';
import type { ErrorKind } from '../lib/recorder.js';
import type { Verified } from '../lib/verify.js';
import type { Outputs } from '../scenarios/index.js';
import type { Target } from './callbacks.js';
import { gatewayRuns, printGateway } from './gateway.js';
import { printGatewayPg } from './gateway-pg.js';

export interface GatewaySummary {
  figures: Record<string, number>;
  targets: Target[];
  results: Record<string, unknown>;
}

export function printGatewaySections(outputs: Outputs): GatewaySummary {
  const out: GatewaySummary = { figures: {}, targets: [], results: {} };
  const gw = outputs.gateway?.result;
  if (gw) {
    const { figures, targets } = printGateway(gw);
    Object.assign(out.figures, figures);
    out.targets.push(...targets);
    out.results.gateway = gw;
  }
  const pg = outputs.gatewaypg?.result;
  if (pg) {
    Object.assign(out.figures, printGatewayPg(pg));
    out.results.gatewaypg = pg;
  }
  if (out.targets.length > 0) {
    console.log('\ntargets (issue 15):');
    for (const t of out.targets)
      console.log(`  ${t.met ? 'MET    ' : 'NOT MET'} ${t.figure}: ${t.value} (target ${t.target})`);
  }
  return out;
}

const checked = (r: RunFigures): [string, Verified & { errorKinds: ErrorKind[] }] => [r.name, { ...r, errorKinds: [] }];

export const gatewayChecks = (outputs: Outputs) => [
  ...(outputs.gateway ? gatewayRuns(outputs.gateway.result).map(checked) : []),
  ...(outputs.gatewaypg ? outputs.gatewaypg.result.runs.map(checked) : []),
];
