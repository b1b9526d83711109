// The admin-only callback API: the delivery log's calls (domain/delivery-log.ts: browse events and
// their attempts, replay, retry now); the configuration's are in callback-config.ts.
// Only app admins (HUDDLE_ADMIN_USER_IDS) may call these; everyone else gets NoPermissionError (1002).

import {
  arr,
  BulkReplayResult,
  DELIVERY_STATUSES,
  DeliveryEventDetail,
  DeliveryEventPage,
  DeliveryStats,
  EndpointTestResult,
  CALLBACK_KEYS,
  LIMITS,
  obj,
  pagination,
  SchemaError,
  str,
  view,
  type Schema,
} from '@huddle/protocol';
import { BULK_REPLAY_MAX, requireCallbackAdmin } from '../../domain/delivery-log.js';
import type { Services } from '../../domain/index.js';
import { args } from '../../errors.js';
import { sendTestEvent } from '../../callbacks/test-event.js';
import type { LiveCallbackConfig } from '../../callbacks/live-config.js';
import { route } from '../route.js';
import { optMillis, windowFields, windowOf } from './window.js';

export interface CallbackAdminDeps {
  settings: LiveCallbackConfig;
  now: () => number;
}

/** An optional string that must be one of `values`; missing, null or "" means "any" (decisions.ts too). */
export function optOneOf<T extends string>(values: readonly T[]): Schema<T | undefined> {
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

/** The replay and retry routes' data: how many events went back to pending (replay) or groups were retried now (retry). */
const Requeued = view.object({ count: view.integer() });

/** The longest payload text a search takes. */
const SEARCH_TEXT_MAX = 200;

const eventFilter = {
  groupID: str({ max: LIMITS.id }),
  endpoint: str({ max: 64 }),
  hook: optOneOf(CALLBACK_KEYS),
  from: optMillis(),
  to: optMillis(),
  eventID: str({ max: LIMITS.id }),
  text: str({ max: SEARCH_TEXT_MAX }),
};

export const callbackRoutes = ({ deliveries, deliveryStats }: Services, { settings, now }: CallbackAdminDeps) => {
  return [
    route({
      path: '/callback/list_events',
      body: obj({ ...eventFilter, status: optOneOf(DELIVERY_STATUSES), pagination: pagination() }),
      response: DeliveryEventPage,
      handle: (ctx, body) => deliveries.list(ctx, body, body.pagination),
    }),
    route({
      path: '/callback/get_delivery_stats',
      body: obj(windowFields()),
      response: DeliveryStats,
      handle: (ctx, body) =>
        deliveryStats.get(
          ctx,
          windowOf(body, now),
          settings.config.endpoints.map((e) => e.name),
        ),
    }),
    route({
      path: '/callback/test_endpoint',
      body: obj({ endpoint: str({ max: 64, required: true }), hook: optOneOf(CALLBACK_KEYS) }),
      response: EndpointTestResult,
      handle: async (ctx, body) => {
        requireCallbackAdmin(ctx.caller);
        const endpoint = settings.config.endpoints.find((e) => e.name === body.endpoint);
        if (!endpoint) throw args(`no endpoint "${body.endpoint}" in the configuration`);
        if (!endpoint.url) throw args(`endpoint "${body.endpoint}" has no url`);
        const hook = body.hook ?? 'afterCreateGroup';
        const result = await sendTestEvent(endpoint, hook, now());
        if (!result) throw args(`the ${endpoint.dialect} dialect has no callback for ${hook}`);
        return result;
      },
    }),
    route({
      path: '/callback/get_event',
      body: obj({ eventID: str({ max: LIMITS.id, required: true }) }),
      response: DeliveryEventDetail,
      handle: (ctx, body) => deliveries.get(ctx, body.eventID),
    }),
    ...(
      [
        ['/callback/replay_event', deliveries.replay],
        ['/callback/retry_event', deliveries.retry],
      ] as const
    ).map(([path, move]) =>
      route({
        path,
        body: obj({ eventID: str({ max: LIMITS.id, required: true }) }),
        response: Requeued,
        handle: (ctx, body) => move(ctx, body.eventID),
      }),
    ),
    route({
      path: '/callback/replay_events',
      body: obj({ eventIDs: arr(str({ max: LIMITS.id, required: true }), { max: BULK_REPLAY_MAX, nonEmpty: true }) }),
      response: BulkReplayResult,
      handle: (ctx, body) => deliveries.replayMany(ctx, body.eventIDs),
    }),
    ...(
      [
        ['/callback/retry_pending', deliveries.retryPending],
        ['/callback/replay_dead', deliveries.replayDead],
      ] as const
    ).map(([path, move]) =>
      route({ path, body: obj(eventFilter), response: Requeued, handle: (ctx, body) => move(ctx, body) }),
    ),
  ];
};
