// The chat side of the console's overview: who is connected now (on live instances), and how many
// messages were stored per bucket of a window. Read from the shared tables, the same on every instance.

import { noPermission } from '../errors.js';
import type { Store } from '../storage/store.js';
import type { OpContext } from './context.js';
import { bucketCount, type StatsWindow } from './delivery-stats.js';
import { PRESENCE_TTL_MS } from './presence.js';

export function activityService({
  store,
  now,
  presenceTtlMs,
}: {
  store: Store;
  now: () => number;
  presenceTtlMs?: number;
}) {
  const repo = store.repos.activity;
  return {
    async get(ctx: OpContext, window: StatsWindow) {
      if (!ctx.caller.isAppAdmin) throw noPermission('only an app admin may read activity');
      const slots = bucketCount(window);
      const [online, counted] = await Promise.all([
        repo.online(now() - (presenceTtlMs ?? PRESENCE_TTL_MS)),
        repo.messagesOverTime(window.from, window.to, window.bucketMs),
      ]);
      const messages = Array.from({ length: slots }, (_, i) => ({
        time: window.from + i * window.bucketMs,
        count: counted.find((c) => c.bucket === i)?.count ?? 0,
      }));
      return { ...window, usersOnline: online.users, connectionsOnline: online.connections, messages };
    },
  };
}
