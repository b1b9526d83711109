// The delivery log, for app admins: the after-callbacks in the outbox with their attempts, replayed
// (delivered or dead: pending again, due now) or retried now (a waiting queue's head goes at once).
// Every replay and retry is recorded per event with who asked and how (the replay history).

import type { DeliveryAttemptView, DeliveryEventView, DeliveryReplayView, DeliveryStatus } from '@huddle/protocol';
import { args, noPermission, notFound } from '../errors.js';
import type { AttemptRecord, EventRecord, Page, ReplayHow, ReplayRecord } from '../storage/records.js';
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
  /** One event by its exact ID; "" or undefined: any. */
  eventID?: string | undefined;
  /** Payloads containing this text, ignoring case; "" or undefined: any. */
  text?: string | undefined;
}

/** replay_events takes at most this many IDs a call. */
export const BULK_REPLAY_MAX = 100;

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
  if (filter.eventID) q.eventID = filter.eventID;
  if (filter.text) q.text = filter.text;
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
    url: a.url ?? '',
  };
}

function replayView(r: ReplayRecord): DeliveryReplayView {
  return { time: r.at, userID: r.userID, how: r.how, detail: r.detail };
}

/** A filter as the replay history keeps it: the fields that narrow it, as JSON. */
function filterDetail(filter: EventFilter): string {
  return JSON.stringify(Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '')));
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
  /** Rows of the replay history: these events, moved by this caller, this way. */
  const history = (ctx: OpContext, ids: readonly string[], how: ReplayHow, detail: string, at: number) =>
    ids.map((eventID) => ({ eventID, at, userID: ctx.caller.userID, how, detail }));
  /**
   * One event again: delivered or dead ones pending again, due now; a pending one's queue head due
   * now (the event itself, or the one it waits behind). Recorded in the same transaction.
   */
  const move = async (ctx: OpContext, e: EventRecord, how: 'replay' | 'retry') =>
    woken(
      await store.tx(async (tx) => {
        const t = now();
        const count =
          e.status === 'pending'
            ? (await tx.events.retryNow({ ids: [e.id] }, t)).length
            : how === 'replay'
              ? await tx.events.requeue({ ids: [e.id] }, t)
              : 0;
        // A retry of a finished event does nothing, so it is no part of the history.
        if (how === 'replay' || e.status === 'pending') await tx.events.recordReplays(history(ctx, [e.id], how, '', t));
        return count;
      }),
    );

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
      const [attempts, replays] = await Promise.all([events.attempts(event.id), events.replays(event.id)]);
      return {
        event: { ...eventView(event), payload: parsePayload(event.payload) },
        attempts: attempts.map(attemptView),
        replays: replays.map(replayView),
      };
    },

    /** Delivered or dead: pending again, due now. Pending already: "retry now", as retry. */
    async replay(ctx: OpContext, eventID: string) {
      return move(ctx, await load(ctx, eventID), 'replay');
    },

    /** Its queue's head goes now: the event itself, or the one it waits behind (order holds). */
    async retry(ctx: OpContext, eventID: string) {
      return move(ctx, await load(ctx, eventID), 'retry');
    },

    /**
     * Several events by ID, each as replay would: delivered or dead ones pending again, pending ones
     * retried now. IDs that name no event are answered, not refused, so the rest still go.
     */
    async replayMany(ctx: OpContext, eventIDs: readonly string[]) {
      requireCallbackAdmin(ctx.caller);
      const ids = [...new Set(eventIDs)];
      if (ids.length > BULK_REPLAY_MAX) throw args(`at most ${BULK_REPLAY_MAX} eventIDs a call`);
      const found = (await Promise.all(ids.map((id) => events.get(id)))).filter((e) => e !== undefined);
      const known = new Set(found.map((e) => e.id));
      const pending = found.filter((e) => e.status === 'pending').map((e) => e.id);
      const finished = found.filter((e) => e.status !== 'pending').map((e) => e.id);
      const detail = JSON.stringify({ eventIDs: ids });
      const count = await store.tx(async (tx) => {
        const t = now();
        const requeued = finished.length > 0 ? await tx.events.requeue({ ids: finished }, t) : 0;
        const retried = pending.length > 0 ? (await tx.events.retryNow({ ids: pending }, t)).length : 0;
        await tx.events.recordReplays(history(ctx, [...known], 'bulk_replay', detail, t));
        return requeued + retried;
      });
      return { ...woken(count), unknown: ids.filter((id) => !known.has(id)) };
    },

    /** The matching waiting queue heads, due now. */
    async retryPending(ctx: OpContext, filter: EventFilter) {
      requireCallbackAdmin(ctx.caller);
      const q = query(filter);
      return woken(
        await store.tx(async (tx) => {
          const t = now();
          const heads = await tx.events.retryNow(q, t);
          await tx.events.recordReplays(history(ctx, heads, 'retry_pending', filterDetail(filter), t));
          return heads.length;
        }),
      );
    },

    /** The matching dead events, pending again. */
    async replayDead(ctx: OpContext, filter: EventFilter) {
      requireCallbackAdmin(ctx.caller);
      const q = query(filter);
      return woken(
        await store.tx(async (tx) => {
          const t = now();
          const ids = await tx.events.requeueIDs({ ...q, status: 'dead' }, t);
          await tx.events.recordReplays(history(ctx, ids, 'replay_dead', filterDetail(filter), t));
          return ids.length;
        }),
      );
    },
  };
}
export type DeliveryLogService = ReturnType<typeof deliveryLogService>;
