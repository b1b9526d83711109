// `huddle deliveries list`: the delivery log of a running huddle, newest first, filtered.

import { Option, type Command } from 'commander';
import { integer } from './arguments.js';
import { addServerOptions, AdminClient, type ServerOptions } from './admin-client.js';
import type { DeliveryEventPage, DeliveryEventView } from '@huddle/protocol';
import { addFilterOptions, eventFilter, type FilterOptions } from './deliveries-filters.js';
import { formatTime, note, print, printJson, renderTable } from './output.js';

export function eventTable(events: readonly DeliveryEventView[]): string {
  return renderTable(events, [
    { header: 'event', value: (e) => e.eventID },
    { header: 'hook', value: (e) => e.hook },
    { header: 'endpoint', value: (e) => e.endpoint },
    { header: 'group', value: (e) => e.groupID, max: 24 },
    { header: 'status', value: (e) => e.status },
    { header: 'attempts', value: (e) => String(e.attempts) },
    { header: 'created', value: (e) => formatTime(e.createTime) },
    { header: 'last error', value: (e) => e.lastError, max: 60 },
  ]);
}

export function addDeliveriesListCommand(deliveries: Command): void {
  const cmd = deliveries
    .command('list')
    .description('list delivery-log events (after-callbacks), newest first')
    .addOption(new Option('--status <status>', 'only events in this state').choices(['pending', 'delivered', 'dead']))
    .option('--search <text>', 'only events whose payload contains this text (ignoring case; at most 200 characters)')
    .option('--event <eventID>', 'only this event (its exact ID)')
    .option('--limit <n>', 'events per page (at most 1000)', integer(1, 1000), 50)
    .option('--page <n>', 'page number, from 1', integer(1, 1_000_000), 1)
    .option('--json', 'print JSON ({total, events})');
  addServerOptions(addFilterOptions(cmd)).action(
    async (
      opts: ServerOptions &
        FilterOptions & {
          status?: string;
          search?: string;
          event?: string;
          limit: number;
          page: number;
          json?: boolean;
        },
    ) => {
      const filter = eventFilter(opts);
      const client = await AdminClient.connect(opts);
      const data = await client.call<DeliveryEventPage>('/callback/list_events', {
        ...filter,
        ...(opts.status ? { status: opts.status } : {}),
        ...(opts.search ? { text: opts.search } : {}),
        ...(opts.event ? { eventID: opts.event } : {}),
        pagination: { pageNumber: opts.page, showNumber: opts.limit },
      });
      if (opts.json) return printJson(data);
      if (data.events.length === 0) {
        note(data.total === 0 ? 'no events match' : `no events on page ${opts.page} (${data.total} match)`);
        return;
      }
      print(eventTable(data.events));
      const first = (opts.page - 1) * opts.limit + 1;
      note(
        `\n${first}–${first + data.events.length - 1} of ${data.total}${first + data.events.length - 1 < data.total ? ` (next: --page ${opts.page + 1})` : ''}`,
      );
    },
  );
}
