// The delivery log, for app admins: the after-callbacks in the outbox with their attempts, replayed
// (delivered or dead: pending again, due now) or retried now (a waiting queue's head goes at once).

import type { DeliveryAttemptView, DeliveryEventView, DeliveryStatus } from '@huddle/protocol';
import { args, noPermission, notFound } from '../errors.js';
import type { AttemptRecord, EventRecord, Page } from '../storage/records.js';
import type { EventQuery, Store } from '../storage/store.js';
import type { Caller, OpContext } from './context.js';

export interface DeliveryLogDeps {
  store: Store;
  now: () => number;
  /** Told when replayed or retried events became due, so delivery starts at once. */
  eventsReady: () => void;
}

/** Which events: empty strings and undefined bounds mean "any". */
export interface EventFilter {
  groupID: string;
  endpoint: string;
  hook?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

/** The callback admin calls (delivery log, configuration, live stream) are for app admins only. */
export function requireCallbackAdmin(caller: Caller): void {
  if (!caller.isAppAdmin) throw noPermission('only an app admin may read or change callbacks');
}

function query(filter: EventFilter): EventQuery {
  const q: EventQuery = {};
  if (filter.groupID) q.orderingKey = filter.groupID;
  if (filter.endpoint) q.endpoint = filter.endpoint;
  if (filter.hook) q.hook = filter.hook;
  if (filter.from !== undefined) q.from = filter.from;
  if (filter.to !== undefined) q.to = filter.to;
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw args('from is after to');
  return q;
}

function eventView(e: EventRecord): DeliveryEventView {
  return {
    eventID: e.id,
    hook: e.hook,
    endpoint: e.endpoint,
    command: e.command,
    groupID: e.orderingKey,
    operationID: e.operationID,
    status: e.status,
    attempts: e.attempts,
    createTime: e.createdAt,
    nextAttemptTime: e.status === 'pending' ? e.nextAttemptAt : 0,
    finishTime: e.finishedAt ?? 0,
    lastError: e.lastError,
  };
}

function attemptView(a: AttemptRecord): DeliveryAttemptView {
  return {
    attempt: a.attempt,
    startTime: a.startedAt,
    durationMs: a.durationMs,
    statusCode: a.statusCode ?? 0,
    outcome: a.outcome,
    error: a.error,
    responseExcerpt: a.responseExcerpt,
  };
}

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

export function deliveryLogService({ store, now, eventsReady }: DeliveryLogDeps) {
  const events = store.repos.events;
  /** The count of events (or queue heads) put on their way; the worker is told when there are any. */
  const woken = (count: number) => {
    if (count > 0) eventsReady();
    return { count };
  };
  const load = async (ctx: OpContext, eventID: string) => {
    requireCallbackAdmin(ctx.caller);
    const event = await events.get(eventID);
    if (!event) throw notFound(`no event ${eventID}`);
    return event;
  };
  /** A pending event's queue head, due now: how many heads moved (0 or 1). */
  const retryNow = async (e: EventRecord) => (await events.retryNow({ ids: [e.id] }, now())).length;

  return {
    async list(ctx: OpContext, filter: EventFilter & { status?: DeliveryStatus | undefined }, page: Page) {
      requireCallbackAdmin(ctx.caller);
      const q = query(filter);
      if (filter.status) q.status = filter.status;
      const found = await events.list(q, page);
      return { total: found.total, events: found.items.map(eventView) };
    },

    async get(ctx: OpContext, eventID: string) {
      const event = await load(ctx, eventID);
      const attempts = await events.attempts(event.id);
      return {
        event: { ...eventView(event), payload: parsePayload(event.payload) },
        attempts: attempts.map(attemptView),
      };
    },

    /** Delivered or dead: pending again, due now. Pending already: "retry now", as retry. */
    async replay(ctx: OpContext, eventID: string) {
      const e = await load(ctx, eventID);
      return woken(e.status === 'pending' ? await retryNow(e) : await events.requeue({ ids: [e.id] }, now()));
    },

    /** Its queue's head goes now: the event itself, or the one it waits behind (order holds). */
    async retry(ctx: OpContext, eventID: string) {
      const e = await load(ctx, eventID);
      return woken(e.status === 'pending' ? await retryNow(e) : 0);
    },

    /** The matching waiting queue heads, due now. */
    async retryPending(ctx: OpContext, filter: EventFilter) {
      requireCallbackAdmin(ctx.caller);
      return woken((await events.retryNow(query(filter), now())).length);
    },

    /** The matching dead events, pending again. */
    async replayDead(ctx: OpContext, filter: EventFilter) {
      requireCallbackAdmin(ctx.caller);
      return woken(await events.requeue({ ...query(filter), status: 'dead' }, now()));
    },
  };
}
export type DeliveryLogService = ReturnType<typeof deliveryLogService>;
