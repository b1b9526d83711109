// `huddle deliveries show ID`: one event with its payload, every attempt (and the URL it went to)
// and its replay history.

import type { DeliveryAttemptView, DeliveryEventDetail } from '@huddle/protocol';
import type { Command } from 'commander';
import { addServerOptions, AdminClient, type ServerOptions } from './admin-client.js';
import { formatTime, print, printJson, renderTable } from './output.js';

export function attemptTable(attempts: readonly DeliveryAttemptView[]): string {
  return renderTable(attempts, [
    { header: '#', value: (a) => String(a.attempt) },
    { header: 'started', value: (a) => formatTime(a.startTime) },
    { header: 'duration', value: (a) => `${a.durationMs} ms` },
    { header: 'status', value: (a) => (a.statusCode ? String(a.statusCode) : '—') },
    { header: 'outcome', value: (a) => a.outcome },
    { header: 'error or answer', value: (a) => a.error || a.responseExcerpt, max: 80 },
    { header: 'url', value: (a) => a.url || '—' },
  ]);
}

function replayTable(replays: DeliveryEventDetail['replays']): string {
  return renderTable(replays, [
    { header: 'when', value: (r) => formatTime(r.time) },
    { header: 'who', value: (r) => r.userID },
    { header: 'how', value: (r) => r.how },
    { header: 'of', value: (r) => r.detail || 'this event', max: 80 },
  ]);
}

function printEvent({ event, attempts, replays }: DeliveryEventDetail): void {
  const rows: [string, string][] = [
    ['event', event.eventID],
    ['hook', `${event.hook} (${event.command})`],
    ['endpoint', event.endpoint],
    ['group', event.groupID],
    ['operationID', event.operationID],
    ['status', event.status],
    ['attempts', String(event.attempts)],
    ['created', formatTime(event.createTime)],
    ...(event.nextAttemptTime ? [['next attempt', formatTime(event.nextAttemptTime)] as [string, string]] : []),
    ...(event.finishTime ? [['finished', formatTime(event.finishTime)] as [string, string]] : []),
    ...(event.lastError ? [['last error', event.lastError] as [string, string]] : []),
  ];
  for (const [k, v] of rows) print(`${k.padEnd(12)}  ${v}`);
  print(`\npayload\n${JSON.stringify(event.payload, null, 2)}`);
  print(attempts.length ? `\n${attemptTable(attempts)}` : '\nno attempts yet');
  if (replays.length) print(`\nreplayed or retried by hand\n${replayTable(replays)}`);
}

export function addDeliveriesShowCommand(deliveries: Command): void {
  const cmd = deliveries
    .command('show')
    .description('show one event: its payload, every delivery attempt (status, duration, answer, URL) and its replays')
    .argument('<eventID>', 'the event (evt_…), as deliveries list shows it')
    .option('--json', 'print JSON ({event, attempts, replays})');
  addServerOptions(cmd).action(async (eventID: string, opts: ServerOptions & { json?: boolean }) => {
    const client = await AdminClient.connect(opts);
    const detail = await client.call<DeliveryEventDetail>('/callback/get_event', { eventID });
    if (opts.json) printJson(detail);
    else printEvent(detail);
  });
}
