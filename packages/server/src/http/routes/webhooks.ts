// The admin-only callback API: read and change the webhook configuration at runtime, browse the
// delivery log (events and their attempts), replay, and retry now. Only app admins (HUDDLE_ADMIN_USER_IDS)
// may call these; everyone else gets NoPermissionError (1002).

import {
  DELIVERY_STATUSES,
  DeliveryEventDetail,
  DeliveryEventPage,
  HOOK_KEYS,
  int64,
  LIMITS,
  obj,
  pagination,
  SchemaError,
  str,
  view,
  type DeliveryAttemptView,
  type DeliveryEventView,
  type Schema,
} from '@huddle/protocol';
import type { Caller } from '../../domain/context.js';
import { args, noPermission, notFound } from '../../errors.js';
import type { AttemptRecord, EventRecord } from '../../storage/records.js';
import type { EventQuery, EventRepo } from '../../storage/store.js';
import { WebhookConfigError } from '../../webhooks/config.js';
import type { WebhookSettings } from '../../webhooks/settings.js';
import { route } from '../route.js';

export interface WebhookAdminDeps {
  settings: WebhookSettings;
  events: EventRepo;
  /** Told when replayed events became due. */
  wake: () => void;
  now: () => number;
}

/** An optional string that must be one of `values`; missing, null or "" means "any". */
function optOneOf<T extends string>(values: readonly T[]): Schema<T | undefined> {
  return {
    parse(value, path) {
      if (value == null || value === '') return undefined;
      if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
        throw new SchemaError(`${path} must be one of ${values.join(', ')}`);
      }
      return value as T;
    },
    jsonSchema: () => ({
      type: ['string', 'null'],
      enum: [...values, '', null],
      description: 'missing, null or "": any',
    }),
  };
}

/** Optional milliseconds since the epoch; missing or null means "unbounded". */
const optMillis = (): Schema<number | undefined> => ({
  parse: (value, path) => (value == null ? undefined : int64({ min: 0 }).parse(value, path)),
  jsonSchema: () => ({
    ...int64({ min: 0 }).jsonSchema(),
    type: ['integer', 'null'],
    description: 'Unix milliseconds; missing or null: unbounded',
  }),
});

/** The configuration document: a JSON object, validated by the same parser as the YAML file. */
const configDocument = (): Schema<Record<string, unknown>> => ({
  parse(value, path) {
    if (value == null) throw new SchemaError(`${path} is empty`);
    if (typeof value !== 'object' || Array.isArray(value)) throw new SchemaError(`${path} must be a JSON object`);
    return value as Record<string, unknown>;
  },
  jsonSchema: () => ({
    type: 'object',
    description:
      'the webhooks.yml document as JSON (url, signingSecret, retrySchedule, deliveryConcurrency, one entry per hook: enable, timeout, failedContinue; endpoints: [{name, url, dialect, sdkAppId, token, signingSecret, hooks}]); errDlt names the offending key',
  }),
});

/** /webhook/get_config's and set_config's data: the document in force, and where it came from. */
const ConfigView = view.object({
  config: view.schemaView<Record<string, unknown>>({
    ...configDocument().jsonSchema(),
    description: 'the configuration in force, as the webhooks.yml document in JSON (what set_config takes)',
  }),
  source: view.oneOf(
    ['default', 'file', 'api'],
    'default: no HUDDLE_WEBHOOKS file; file: read from it; api: saved through set_config',
  ),
  changedAt: view.integer('Unix milliseconds of the last save through set_config; 0 when never saved'),
});

/** The replay and retry routes' data: how many events went back to pending (replay) or groups were retried now (retry). */
const Requeued = view.object({ count: view.integer() });

const eventFilter = {
  groupID: str({ max: LIMITS.id }),
  endpoint: str({ max: 64 }),
  hook: optOneOf(HOOK_KEYS),
  from: optMillis(),
  to: optMillis(),
};

/** The admin API (and its live stream) is for app admins only. */
export function requireAdmin(caller: Caller): void {
  if (!caller.isAppAdmin) throw noPermission('only an app admin may read or change callbacks');
}

function query(filter: {
  groupID: string;
  endpoint: string;
  hook?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
}): EventQuery {
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

export const webhookRoutes = ({ settings, events, wake, now }: WebhookAdminDeps) => {
  const configView = () => ({ config: settings.document(), source: settings.source, changedAt: settings.changedAt });
  /** The count of events (or queue heads) put on their way; the worker is told when there are any. */
  const woken = (count: number) => {
    if (count > 0) wake();
    return { count };
  };
  /** A pending event's queue head, due now: how many heads moved (0 or 1). */
  const retryNow = async (e: EventRecord) => (await events.retryNow({ ids: [e.id] }, now())).length;

  return [
    route({
      path: '/webhook/get_config',
      body: obj({}),
      response: ConfigView,
      handle: async (ctx) => {
        requireAdmin(ctx.caller);
        return configView();
      },
    }),
    route({
      path: '/webhook/set_config',
      body: obj({ config: configDocument() }),
      response: ConfigView,
      handle: async (ctx, body) => {
        requireAdmin(ctx.caller);
        try {
          await settings.replace(body.config, now());
        } catch (err) {
          if (err instanceof WebhookConfigError) throw args(err.message);
          throw err;
        }
        return configView();
      },
    }),
    route({
      path: '/webhook/list_events',
      body: obj({ ...eventFilter, status: optOneOf(DELIVERY_STATUSES), pagination: pagination() }),
      response: DeliveryEventPage,
      handle: async (ctx, body) => {
        requireAdmin(ctx.caller);
        const q = query(body);
        if (body.status) q.status = body.status;
        const page = await events.list(q, body.pagination);
        return { total: page.total, events: page.items.map(eventView) };
      },
    }),
    route({
      path: '/webhook/get_event',
      body: obj({ eventID: str({ max: LIMITS.id, required: true }) }),
      response: DeliveryEventDetail,
      handle: async (ctx, body) => {
        requireAdmin(ctx.caller);
        const event = await events.get(body.eventID);
        if (!event) throw notFound(`no event ${body.eventID}`);
        const attempts = await events.attempts(event.id);
        return {
          event: { ...eventView(event), payload: parsePayload(event.payload) },
          attempts: attempts.map(attemptView),
        };
      },
    }),
    // An event's replay or retry: `move` puts it (or its queue) back on its way; the worker is told.
    ...(
      [
        // Delivered or dead: pending again, due now. Pending already: "retry now", as retry_event.
        [
          '/webhook/replay_event',
          (e: EventRecord) => (e.status === 'pending' ? retryNow(e) : events.requeue({ ids: [e.id] }, now())),
        ],
        // Its queue's head goes now: the event itself, or the one it waits behind (order holds).
        ['/webhook/retry_event', async (e: EventRecord) => (e.status === 'pending' ? retryNow(e) : 0)],
      ] as const
    ).map(([path, move]) =>
      route({
        path,
        body: obj({ eventID: str({ max: LIMITS.id, required: true }) }),
        response: Requeued,
        handle: async (ctx, body) => {
          requireAdmin(ctx.caller);
          const event = await events.get(body.eventID);
          if (!event) throw notFound(`no event ${body.eventID}`);
          return woken(await move(event));
        },
      }),
    ),
    ...(
      [
        ['/webhook/retry_pending', async (q: EventQuery) => (await events.retryNow(q, now())).length],
        ['/webhook/replay_dead', (q: EventQuery) => events.requeue({ ...q, status: 'dead' }, now())],
      ] as const
    ).map(([path, move]) =>
      route({
        path,
        body: obj(eventFilter),
        response: Requeued,
        handle: async (ctx, body) => {
          requireAdmin(ctx.caller);
          return woken(await move(query(body)));
        },
      }),
    ),
  ];
};
