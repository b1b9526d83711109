// Every scenario BENCH_SCENARIOS can select, in the order a run takes them (the baseline, scenario
// 1, is not listed: it always runs, first and last). To add one: a file here exporting
// defineScenario({...}), an entry below, and its figures in bench/report.ts if the table rows are
// not enough.

import { afterhooks } from './afterhooks.js';
import { beforehook } from './beforehook.js';
import { create } from './create.js';
import { delivery } from './delivery.js';
import { deliverydefault } from './deliverydefault.js';
import { gateway } from './gateway.js';
import { gatewaypg } from './gatewaypg.js';
import { joinquit } from './joinquit.js';
import { messages } from './messages.js';
import { pg } from './pg.js';
import { read } from './read.js';

export const SCENARIOS = [
  create,
  joinquit,
  read,
  afterhooks,
  beforehook,
  delivery,
  deliverydefault,
  pg,
  messages,
  gateway,
  gatewaypg,
] as const;

type AnyScenario = (typeof SCENARIOS)[number];
type OutputOf<S> = S extends { run(...args: any[]): Promise<infer O> } ? O : never;

/** What the selected scenarios returned, by name (a scenario not selected is absent). */
export type Outputs = { [S in AnyScenario as S['name']]?: OutputOf<S> };
