// Outbox rows for tests that enqueue events directly, without the API change that would write them.
//
//   const e = newEvent('g1');
//   await enqueue(s.app, e);

import { CALLBACKS, type AfterCallbackKey } from '@huddle/protocol';
import type { App } from '../src/app.js';
import type { NewEvent } from '../src/storage/records.js';

let counter = 0;

/** An outbox row as CallbackDispatcher.after writes it, for enqueuing directly; ids are unique per process. */
export function newEvent(
  groupID: string,
  hook: AfterCallbackKey = 'afterQuitGroup',
  extra: Record<string, unknown> = {},
): NewEvent {
  const n = ++counter;
  const id = `evt_test_${process.pid}_${n}`;
  return {
    id,
    hook,
    endpoint: 'default',
    command: CALLBACKS[hook].openim.command,
    orderingKey: groupID,
    operationID: `op-${id}`,
    payload: JSON.stringify({ callbackCommand: CALLBACKS[hook].openim.command, groupID, userID: `u${n}`, n, ...extra }),
    createdAt: Date.now(),
  };
}

/** Commits events to the outbox and wakes the delivery worker, as a committed API change does. */
export async function enqueue(app: App, ...events: NewEvent[]): Promise<void> {
  await app.store.tx((tx) => tx.events.enqueue(events));
  app.worker.wake();
}
