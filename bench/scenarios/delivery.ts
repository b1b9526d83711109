// Scenario 5c (issue 3, point 9 (c)): callbacks delivered per second to a slow business server. A
// backlog of afterMemberJoinGroup/afterQuitGroup events over DELIVERY_GROUPS groups, built while the
// receiver holds every callback open; then the receiver answers each one 100 ms after it arrives
// (100 ms after the release for those held) and we measure how fast the backlog drains, at
// deliveryConcurrency 256 and, for reference, 64.

import { Api } from '../lib/api.js';
import { setupBacklogLoad } from '../lib/backlog.js';
import { type DeliveryRun, deliveryDoc, deliveryRun } from '../lib/delivery-run.js';
import { startHuddle, stopHuddle } from '../lib/huddle.js';
import { defineScenario } from '../lib/scenario.js';
import { DELIVERY_GROUPS, DELIVERY_PAIRS } from '../lib/settings.js';
import { writeWebhooksFile } from '../lib/webhooks.js';

export const delivery = defineScenario({
  name: 'delivery',
  measures: '(c) callbacks/s drained to a 100 ms receiver at deliveryConcurrency 256 (and 64)',
  byDefault: true,
  uses: ['receiver'],
  async run(ctx) {
    const r = ctx.receiver();
    // Concurrency 256 comes from the file at start-up.
    const h = await startHuddle('huddle-delivery', {
      HUDDLE_CALLBACKS: writeWebhooksFile('delivery', deliveryDoc(r, 256)),
    });
    const ctl = new Api(h.api.url, 2);
    const runs: DeliveryRun[] = [];
    try {
      const load = await setupBacklogLoad(h, 'dl', 'delivery', DELIVERY_GROUPS);
      runs.push(await deliveryRun(r, ctl, h, load, 256, DELIVERY_PAIRS));
      runs.push(await deliveryRun(r, ctl, h, load, 64, Math.max(100, Math.round(DELIVERY_PAIRS * 0.4))));
    } finally {
      await ctl.close();
      await stopHuddle(h, 'huddle-delivery', ctx.servers);
    }
    return { phases: [], kind: 'throughput', result: runs };
  },
});
