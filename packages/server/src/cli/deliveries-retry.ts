// `huddle deliveries retry ID | --pending [filters]`: sends waiting events now instead of at their
// next scheduled retry (after a business server's outage is over), through the running huddle's
// retry API. Per-group order holds: a group's oldest pending event goes first, so retrying an event
// that waits behind another sends that one first.

import type { Command } from 'commander';
import { addServerOptions, AdminClient, type ServerOptions } from './admin-client.js';
import { addFilterOptions, eventFilter, eventOrFilter, type FilterOptions } from './deliveries-filters.js';
import { print, printJson } from './output.js';

type RetryOptions = ServerOptions & FilterOptions & { pending?: boolean; json?: boolean };

const groups = (n: number) => `${n} group${n === 1 ? '' : 's'}`;

export function addDeliveriesRetryCommand(deliveries: Command): void {
  const cmd = deliveries
    .command('retry')
    .description(
      "send waiting (pending) events now instead of at their next scheduled retry: one event's group, or every group a filter matches (--pending)",
    )
    .argument('[eventID]', 'a pending event (evt_…): its group is retried now, oldest event first')
    .option('--pending', 'retry now every waiting group whose oldest pending event matches the filters')
    .option('--json', 'print JSON ({count})');
  addServerOptions(addFilterOptions(cmd)).action(async (eventID: string | undefined, opts: RetryOptions) => {
    eventOrFilter(eventID, opts.pending, 'pending', 'to retry every waiting group matching the filters', opts);
    const client = await AdminClient.connect(opts);
    const { count } = eventID
      ? await client.call<{ count: number }>('/callback/retry_event', { eventID })
      : await client.call<{ count: number }>('/callback/retry_pending', eventFilter(opts));
    if (opts.json) return printJson(eventID ? { eventID, count } : { count });
    if (eventID)
      return print(
        count
          ? `${eventID}: its group is retried now`
          : `${eventID} is not waiting for a retry (delivered, dead, in flight or due already): nothing to do`,
      );
    print(count ? `${groups(count)} retried now` : 'no waiting groups match');
  });
}
