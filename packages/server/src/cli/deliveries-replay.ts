// `huddle deliveries replay ID | --dead [filters]`: sends events again (with their original
// webhook-id) through the running huddle's replay API; with --wait, follows them until they are
// delivered or dead again, showing progress on stderr. Events for an endpoint the server no longer
// sends to are not replayed (no worker would claim them): a warning says so.

import { Option, type Command } from 'commander';
import { activeEndpoints, parseCallbackConfig } from '../callbacks/config-file.js';
import { duration } from './arguments.js';
import { addServerOptions, AdminClient, type ServerOptions } from './admin-client.js';
import {
  addFilterOptions,
  eventFilter,
  eventOrFilter,
  listAll,
  type EventFilter,
  type FilterOptions,
} from './deliveries-filters.js';
import type { DeliveryEventDetail, DeliveryEventView } from '@huddle/protocol';
import { attemptTable } from './deliveries-show.js';
import { CliError } from './errors.js';
import { note, print, printJson, progressLine } from './output.js';

type ReplayOptions = ServerOptions &
  FilterOptions & { dead?: boolean; wait?: boolean; timeout: number; json?: boolean };

interface Tally {
  delivered: number;
  dead: number;
  pending: number;
}

const POLL_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Follows one event until it leaves pending, or the deadline passes. */
async function waitForEvent(client: AdminClient, eventID: string, deadline: number): Promise<DeliveryEventDetail> {
  const progress = progressLine();
  for (;;) {
    const detail = await client.call<DeliveryEventDetail>('/callback/get_event', { eventID });
    const { status, attempts, lastError } = detail.event;
    if (status !== 'pending' || Date.now() >= deadline) {
      progress.done(`${eventID}: ${status} after ${attempts} attempt${attempts === 1 ? '' : 's'}`);
      return detail;
    }
    progress.update(
      `${eventID}: pending, ${attempts} attempt${attempts === 1 ? '' : 's'} so far${lastError ? ` (last: ${lastError})` : ''}`,
    );
    await sleep(POLL_MS);
  }
}

/**
 * The filter narrowed to the creation times of the followed events (a replay keeps an event's
 * creation time), so each poll pages through those and their neighbours, not every match.
 */
function followedRange(filter: EventFilter, followed: readonly DeliveryEventView[]): EventFilter {
  if (followed.length === 0) return filter;
  // A loop, not Math.min(...times): tens of thousands of arguments overflow the stack.
  let from = Infinity;
  let to = -Infinity;
  for (const e of followed) {
    from = Math.min(from, e.createTime);
    to = Math.max(to, e.createTime);
  }
  return { ...filter, from, to };
}

/** How the replayed events stand: those no longer pending are delivered unless dead again. */
async function tally(client: AdminClient, ids: ReadonlySet<string>, filter: EventFilter): Promise<Tally> {
  const [pendingEvents, deadEvents] = await Promise.all([
    listAll(client, { ...filter, status: 'pending' }),
    listAll(client, { ...filter, status: 'dead' }),
  ]);
  const pending = new Set(pendingEvents.map((e) => e.eventID));
  const dead = new Set(deadEvents.map((e) => e.eventID));
  const t: Tally = { delivered: 0, dead: 0, pending: 0 };
  for (const id of ids) {
    if (pending.has(id)) t.pending++;
    else if (dead.has(id)) t.dead++;
    else t.delivered++;
  }
  return t;
}

/**
 * The endpoints the running huddle sends to. An event for any other (removed from the configuration,
 * or without a url) would be claimed by no worker: replayed, it would stay pending until it returns.
 */
async function sendingEndpoints(client: AdminClient): Promise<Set<string>> {
  const { config } = await client.call<{ config: unknown }>('/callback/get_config', {});
  return new Set(activeEndpoints(parseCallbackConfig(config)).map((e) => e.name));
}

const notSentTo = (endpoint: string) =>
  `endpoint "${endpoint}", which the running huddle no longer sends to (not in its configuration, or without a url)`;
const NOT_REPLAYED = 'not replayed: it would stay pending until the endpoint is configured again';

async function replayOne(client: AdminClient, eventID: string, opts: ReplayOptions, deadline: number): Promise<void> {
  const [{ event }, sending] = await Promise.all([
    client.call<DeliveryEventDetail>('/callback/get_event', { eventID }),
    sendingEndpoints(client),
  ]);
  if (!sending.has(event.endpoint))
    throw new CliError(`${eventID} goes to ${notSentTo(event.endpoint)}; ${NOT_REPLAYED}`);
  const { count } = await client.call<{ count: number }>('/callback/replay_event', { eventID });
  if (!opts.wait) {
    if (opts.json) return printJson({ eventID, count });
    return print(
      count
        ? `${eventID} is pending again: huddle sends it at once, with its original webhook-id`
        : `${eventID} is pending already: nothing to replay`,
    );
  }
  const detail = await waitForEvent(client, eventID, deadline);
  if (opts.json) printJson({ eventID, count, ...detail });
  else {
    print(`${eventID}: ${detail.event.status}`);
    if (detail.attempts.length) print(attemptTable(detail.attempts));
  }
  if (detail.event.status !== 'delivered')
    throw new CliError(
      detail.event.status === 'dead' ? `${eventID} is dead again` : `${eventID} is still pending (--timeout)`,
    );
}

async function replayDead(client: AdminClient, opts: ReplayOptions, deadline: number): Promise<void> {
  const filter = eventFilter(opts);
  const finding = progressLine();
  // The events about to be replayed, so --wait can follow exactly those.
  const followed = await listAll(
    client,
    { ...filter, status: 'dead' },
    (seen, total) => seen < total && finding.update(`finding dead events: ${seen} of ${total}`),
  );
  finding.done('');
  // Replayed per endpoint huddle sends to; the dead events of the others stay dead, with a warning.
  const sending = await sendingEndpoints(client);
  const skipped: Record<string, number> = {};
  for (const e of followed) if (!sending.has(e.endpoint)) skipped[e.endpoint] = (skipped[e.endpoint] ?? 0) + 1;
  for (const [endpoint, n] of Object.entries(skipped))
    note(`warning: ${n} dead event${n === 1 ? ' goes' : 's go'} to ${notSentTo(endpoint)}; ${NOT_REPLAYED}`);
  const replayed = followed.filter((e) => sending.has(e.endpoint));
  const ids = new Set(replayed.map((e) => e.eventID));
  const range = followedRange(filter, replayed);
  let count = 0;
  for (const endpoint of filter.endpoint ? [filter.endpoint] : sending) {
    if (sending.has(endpoint))
      count += (await client.call<{ count: number }>('/callback/replay_dead', { ...filter, endpoint })).count;
  }
  if (!opts.wait || count === 0) {
    if (opts.json) return printJson({ count, ...(Object.keys(skipped).length ? { notReplayed: skipped } : {}) });
    const none = Object.keys(skipped).length
      ? 'no dead events of the endpoints huddle sends to match'
      : 'no dead events match';
    return print(count ? `${count} dead event${count === 1 ? ' is' : 's are'} pending again` : none);
  }
  if (!opts.json) note(`${count} dead event${count === 1 ? ' is' : 's are'} pending again; following them`);
  const progress = progressLine();
  let t: Tally;
  for (;;) {
    t = await tally(client, ids, range);
    const line = `${ids.size} replayed: ${t.delivered} delivered, ${t.dead} dead, ${t.pending} pending`;
    if (t.pending === 0 || Date.now() >= deadline) {
      progress.done(line);
      break;
    }
    progress.update(line);
    await sleep(POLL_MS);
  }
  if (opts.json) printJson({ count, ...t });
  else print(`delivered ${t.delivered}, dead ${t.dead}, pending ${t.pending}`);
  if (t.dead > 0 || t.pending > 0)
    throw new CliError(t.pending > 0 ? `${t.pending} still pending (--timeout)` : `${t.dead} dead again`);
}

export function addDeliveriesReplayCommand(deliveries: Command): void {
  const cmd = deliveries
    .command('replay')
    .description(
      'send an event again, or every dead event a filter matches (--dead); --wait follows them until delivered or dead (exit code 1 unless all are delivered)',
    )
    .argument('[eventID]', 'the event to replay (evt_…)')
    .option('--dead', 'replay every dead event matching the filters')
    .option('--wait', 'follow the replayed events until they are delivered or dead again, showing progress')
    // The default's description is the string it stood for, so --help reads as before.
    .addOption(
      new Option('--timeout <duration>', 'with --wait: give up after this long')
        .argParser(duration)
        .default(60_000, '"60s"'),
    )
    .option('--json', 'print JSON');
  addServerOptions(addFilterOptions(cmd)).action(async (eventID: string | undefined, opts: ReplayOptions) => {
    eventOrFilter(eventID, opts.dead, 'dead', 'to replay every dead event matching the filters', opts);
    const client = await AdminClient.connect(opts);
    const deadline = Date.now() + opts.timeout;
    if (eventID) await replayOne(client, eventID, opts, deadline);
    else await replayDead(client, opts, deadline);
  });
}
