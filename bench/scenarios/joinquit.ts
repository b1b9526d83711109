// Scenario 3: join_group + quit_group by the same user on needVerification=2 groups (user tokens).

import { setupJoinQuit, verifyJoinQuit } from '../lib/join-quit.js';
import { runPhase } from '../lib/phase.js';
import { defineScenario } from '../lib/scenario.js';
import { CONCURRENCY } from '../lib/settings.js';

export const joinquit = defineScenario({
  name: 'joinquit',
  measures: 'join_group then quit_group by the same user on 16 open groups, pairs/s',
  byDefault: true,
  uses: ['huddle'],
  async run(ctx) {
    const h = ctx.huddle();
    const load = await setupJoinQuit(h, 'jq', 16, CONCURRENCY);
    const { result } = await runPhase('join+quit', 'pairs/s', h.api, h.child.proc.pid, (rec, w) => load.op(rec, w));
    await verifyJoinQuit(h, load, result);
    return { phases: [result], kind: 'throughput', result: undefined };
  },
});
