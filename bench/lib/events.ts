// The server's callback events, counted with /callback/list_events (showNumber 0: totals only).

import type { Api } from './api.js';
import type { Huddle } from './huddle.js';
import { sleep } from './sleep.js';

export interface EventCounts {
  total: number;
  pending: number;
  delivered: number;
  dead: number;
}

export async function eventTotal(
  ctl: Api,
  h: Huddle,
  filter: { status?: string; hook?: string } = {},
): Promise<number> {
  const d = await ctl.ok<{ total: number }>(
    '/callback/list_events',
    { groupID: '', ...filter, pagination: { pageNumber: 1, showNumber: 0 } },
    h.adminToken,
  );
  return d.total;
}

export async function eventCounts(ctl: Api, h: Huddle): Promise<EventCounts> {
  const [total, pending, delivered, dead] = await Promise.all([
    eventTotal(ctl, h),
    eventTotal(ctl, h, { status: 'pending' }),
    eventTotal(ctl, h, { status: 'delivered' }),
    eventTotal(ctl, h, { status: 'dead' }),
  ]);
  return { total, pending, delivered, dead };
}

/** The server's event counts since `before`, once it has recorded the last attempts (up to 5 s). */
export async function eventCountsSince(ctl: Api, h: Huddle, before: EventCounts): Promise<EventCounts> {
  let server = await eventCounts(ctl, h);
  for (let i = 0; i < 100 && server.pending - before.pending > 0; i++) {
    await sleep(50);
    server = await eventCounts(ctl, h);
  }
  return {
    total: server.total - before.total,
    pending: server.pending - before.pending,
    delivered: server.delivered - before.delivered,
    dead: server.dead - before.dead,
  };
}
