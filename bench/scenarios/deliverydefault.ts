// Scenario 5d (issue 12, item 14): (c) with the default configuration. A huddle whose webhooks.yml
// names no deliveryConcurrency, 2,000 callbacks over 200 groups, the same 100 ms receiver (299/s
// with the old default of 64; target ≥ 1,000/s); then the old default, 64, on the same load.

import { Api } from '../lib/api.js';
import { setupBacklogLoad } from '../lib/backlog.js';
import { type DeliveryRun, deliveryDoc, deliveryRun } from '../lib/delivery-run.js';
import { startHuddle, stopHuddle } from '../lib/huddle.js';
import { defineScenario } from '../lib/scenario.js';
import { writeWebhooksFile } from '../lib/webhooks.js';

const DEFAULT_DELIVERY_PAIRS = 1000;
const DEFAULT_DELIVERY_GROUPS = 200;

export const deliverydefault = defineScenario({
  name: 'deliverydefault',
  measures: '(c) callbacks/s drained to a 100 ms receiver with the default deliveryConcurrency, ÷ the old 64',
  byDefault: true,
  uses: ['receiver'],
  async run(ctx) {
    const r = ctx.receiver();
    const h = await startHuddle('huddle-delivery-default', {
      HUDDLE_CALLBACKS: writeWebhooksFile('delivery-default', deliveryDoc(r, 'default')),
    });
    const ctl = new Api(h.api.url, 2);
    let runs: DeliveryRun[];
    try {
      const load = await setupBacklogLoad(h, 'dd', 'delivery (defaults)', DEFAULT_DELIVERY_GROUPS);
      const byDefault = await deliveryRun(r, ctl, h, load, 'default', DEFAULT_DELIVERY_PAIRS);
      // The old default, same load, same run: a ratio that holds on a noisy machine.
      runs = [byDefault, await deliveryRun(r, ctl, h, load, 64, DEFAULT_DELIVERY_PAIRS)];
    } finally {
      await ctl.close();
      await stopHuddle(h, 'huddle-delivery-default', ctx.servers);
    }
    return { phases: [], kind: 'throughput', result: runs };
  },
});
