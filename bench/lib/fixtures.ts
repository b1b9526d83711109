// Runs the selected scenarios in order, starting the shared servers they declare (`uses`) before the
// first that needs each and stopping each after the last, so that a run starts only what it uses.

import { stopChild } from './children.js';
import { type Huddle, type ServerRecord, startHuddle, stopHuddle } from './huddle.js';
import { type Receiver, startReceiver } from './receiver-process.js';
import type { Fixture, Scenario, ScenarioContext, ScenarioOutput } from './scenario.js';
import { webhookConfig, writeWebhooksFile } from './webhooks.js';

/** A fixture with the ones it needs first (the webhooks huddle calls the receiver). */
const withNeeds = (uses: readonly Fixture[]): Fixture[] =>
  uses.flatMap((f): Fixture[] => (f === 'webhooks' ? ['receiver', 'webhooks'] : [f]));

export interface ScenarioRun {
  /** By scenario name, in the order they ran. */
  outputs: Record<string, ScenarioOutput<unknown>>;
  /** The shared receiver's exit code or signal; null if none ran. */
  receiverExit: number | string | null;
}

export async function runScenarios(scenarios: readonly Scenario[], servers: ServerRecord[]): Promise<ScenarioRun> {
  let huddle: Huddle | undefined;
  let webhooks: Huddle | undefined;
  let receiver: Receiver | undefined;
  let receiverExit: number | string | null = null;
  const open: Fixture[] = [];

  const start = async (f: Fixture) => {
    if (f === 'huddle') huddle = await startHuddle();
    else if (f === 'receiver') {
      console.log('business-server callbacks (receiver: bench/receiver.ts, its own process):');
      receiver = await startReceiver();
    } else {
      // url set and signing on from the start; the scenarios switch hooks with /callback/set_config.
      webhooks = await startHuddle('huddle-webhooks', {
        HUDDLE_CALLBACKS: writeWebhooksFile('webhooks', webhookConfig(receiver!.url)),
      });
    }
    open.push(f);
  };
  const stop = async (f: Fixture) => {
    open.splice(open.indexOf(f), 1);
    if (f === 'huddle') await stopHuddle(huddle!, 'huddle', servers);
    else if (f === 'webhooks') await stopHuddle(webhooks!, 'huddle-webhooks', servers);
    else {
      await receiver!.control.close();
      receiverExit = await stopChild(receiver!.child);
    }
  };
  const need = <T>(value: T | undefined, f: Fixture): T => {
    if (value === undefined) throw new Error(`a scenario asked for the ${f} fixture without declaring it in uses`);
    return value;
  };
  const ctx: ScenarioContext = {
    huddle: () => need(huddle, 'huddle'),
    receiver: () => need(receiver, 'receiver'),
    webhooks: () => need(webhooks, 'webhooks'),
    servers,
  };

  const outputs: Record<string, ScenarioOutput<unknown>> = {};
  try {
    for (const [i, s] of scenarios.entries()) {
      for (const f of withNeeds(s.uses)) if (!open.includes(f)) await start(f);
      outputs[s.name] = await s.run(ctx);
      const later = new Set(scenarios.slice(i + 1).flatMap((x) => withNeeds(x.uses)));
      for (const f of [...open].reverse()) if (!later.has(f)) await stop(f);
    }
  } finally {
    for (const f of [...open].reverse()) await stop(f);
  }
  return { outputs, receiverExit };
}
