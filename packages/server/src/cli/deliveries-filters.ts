// What the deliveries commands share: the event filters of the delivery-log API as flags, and paging through every event a filter matches.

import { CALLBACK_KEYS, type DeliveryEventPage, type DeliveryEventView } from '@huddle/protocol';
import { Option, type Command } from 'commander';
import { parseDuration } from '../callbacks/config-file.js';
import type { AdminClient } from './admin-client.js';
import { usageError } from './errors.js';

export interface FilterOptions {
  hook?: string;
  group?: string;
  endpoint?: string;
  from?: string;
  to?: string;
}

/** The request body's filter fields (replay_dead and retry_pending take these; list_events also status and paging). */
export interface EventFilter {
  hook?: string;
  groupID?: string;
  endpoint?: string;
  from?: number;
  to?: number;
}

const TIME_HELP = 'Unix milliseconds, an ISO date (2024-05-01T12:00Z), or a time ago (30m, 2h, 1d)';

export function addFilterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--hook <hook>', 'only this hook').choices(CALLBACK_KEYS))
    .option('--group <groupID>', 'only events of this group')
    .option('--endpoint <name>', 'only events for this endpoint')
    .option('--from <time>', `created at or after: ${TIME_HELP}`)
    .option('--to <time>', `created at or before: ${TIME_HELP}`);
}

export function parseTime(value: string, flag: string, now = Date.now()): number {
  if (/^\d+$/.test(value)) return Number(value);
  if (/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(value)) return now - parseDuration(value, flag);
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw usageError(`${flag}: expected ${TIME_HELP}, got "${value}"`);
  return at;
}

export function eventFilter(opts: FilterOptions): EventFilter {
  const filter: EventFilter = {};
  if (opts.hook) filter.hook = opts.hook;
  if (opts.group) filter.groupID = opts.group;
  if (opts.endpoint) filter.endpoint = opts.endpoint;
  if (opts.from !== undefined) filter.from = parseTime(opts.from, '--from');
  if (opts.to !== undefined) filter.to = parseTime(opts.to, '--to');
  return filter;
}

/** The largest page the API serves. */
const PAGE = 1000;

/** Every event a filter matches, page by page; `onPage` hears how far it got. */
export async function listAll(
  client: AdminClient,
  filter: EventFilter & { status?: string },
  onPage: (seen: number, total: number) => void = () => {},
): Promise<DeliveryEventView[]> {
  const events: DeliveryEventView[] = [];
  for (let page = 1; ; page++) {
    const data = await client.call<DeliveryEventPage>('/callback/list_events', {
      ...filter,
      pagination: { pageNumber: page, showNumber: PAGE },
    });
    events.push(...data.events);
    onPage(events.length, data.total);
    if (data.events.length < PAGE || events.length >= data.total) return events;
  }
}

/**
 * The deliveries commands that take one event or a filter: an eventID, or `--{flag}` with filters,
 * never both; `toDo` says what the flag does ("to replay every dead event matching the filters").
 */
export function eventOrFilter(
  eventID: string | undefined,
  flagged: boolean | undefined,
  flag: string,
  toDo: string,
  opts: FilterOptions,
): void {
  if (eventID && flagged) throw usageError(`give an eventID or --${flag}, not both`);
  if (!eventID && !flagged) throw usageError(`give an eventID, or --${flag} ${toDo}`);
  const filters = ['hook', 'group', 'endpoint', 'from', 'to'] as const;
  if (eventID && filters.some((f) => opts[f] !== undefined))
    throw usageError(`filters go with --${flag}; an eventID names one event`);
}
