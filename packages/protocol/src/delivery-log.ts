// The delivery log as the admin API shows it (/callback/list_events, /callback/get_event). The server
// builds these views; the console and the `huddle deliveries` commands read them. Imports only
// view.ts (itself import-free at run time): the console type-checks this file as it is.

import * as view from './view.js';
import type { ViewType } from './view.js';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const DeliveryEventView = view.object(
  {
    eventID: view.string(),
    hook: view.string(),
    endpoint: view.string('the endpoint it goes to; `command` is in that endpoint’s dialect'),
    command: view.string(),
    groupID: view.string(),
    operationID: view.string(),
    status: view.oneOf(DELIVERY_STATUSES),
    attempts: view.integer(),
    createTime: view.integer(),
    nextAttemptTime: view.integer('when the next attempt is due; 0 unless pending'),
    finishTime: view.integer('when it was delivered or dead-lettered; 0 while pending'),
    lastError: view.string(),
  },
  'DeliveryEventView',
);
export type DeliveryEventView = ViewType<typeof DeliveryEventView>;

export const DeliveryAttemptView = view.object(
  {
    attempt: view.integer(),
    startTime: view.integer(),
    durationMs: view.integer(),
    statusCode: view.integer('0 when no HTTP response arrived (timeout, refused connection)'),
    outcome: view.string(),
    error: view.string(),
    responseExcerpt: view.string(),
    url: view.string(
      'where this attempt was sent (the endpoint’s url then; a Tencent Sign masked); "" when recorded before huddle kept it',
    ),
  },
  'DeliveryAttemptView',
);
export type DeliveryAttemptView = ViewType<typeof DeliveryAttemptView>;

/** /callback/list_events's data. */
export const DeliveryEventPage = view.paged('events', DeliveryEventView);
export type DeliveryEventPage = ViewType<typeof DeliveryEventPage>;

export const REPLAY_HOWS = ['replay', 'retry', 'bulk_replay', 'replay_dead', 'retry_pending'] as const;

/** One replay or retry an admin asked for. */
export const DeliveryReplayView = view.object(
  {
    time: view.integer(),
    userID: view.string('the admin who asked'),
    how: view.oneOf(
      REPLAY_HOWS,
      'replay / retry: this event alone; bulk_replay: replay_events with a list of IDs; replay_dead / retry_pending: every event of a filter',
    ),
    detail: view.string('a bulk call’s ID list or filter, JSON; "" for one event'),
  },
  'DeliveryReplayView',
);
export type DeliveryReplayView = ViewType<typeof DeliveryReplayView>;

/** /callback/get_event's data. */
export const DeliveryEventDetail = view.object({
  event: DeliveryEventView.extend({
    payload: view.anything('the callback body as stored: JSON, or the text when it is not JSON'),
  }),
  attempts: view.array(DeliveryAttemptView),
  /** Every replay and retry of this event, oldest first. */
  replays: view.array(DeliveryReplayView),
});

/** /callback/replay_events's data. */
export const BulkReplayResult = view.object({
  count: view.integer('events queued again (delivered or dead) or retried now (pending queue heads)'),
  /** The IDs given that name no event. */
  unknown: view.array(view.string()),
});
export type BulkReplayResult = ViewType<typeof BulkReplayResult>;
export type DeliveryEventDetail = ViewType<typeof DeliveryEventDetail>;

/** One bucket of /callback/get_delivery_stats: attempts that started in it. */
export const DeliveryStatsBucket = view.object(
  {
    time: view.integer('Unix milliseconds the bucket starts at'),
    successes: view.integer('attempts answered 2xx'),
    failures: view.integer('attempts that failed (to be retried, or the last one of a dead event)'),
  },
  'DeliveryStatsBucket',
);

/** An endpoint's deliveries over the window and its health. */
export const EndpointStats = view.object(
  {
    endpoint: view.string(),
    configured: view.boolean('named in the callback configuration in force'),
    buckets: view.array(DeliveryStatsBucket),
    successes: view.integer(),
    failures: view.integer(),
    latencyMs: view.object({
      p50: view.integer(),
      p90: view.integer(),
      p99: view.integer(),
    }),
    lastSuccessTime: view.integer('latest successful attempt in the window; 0 when none'),
    lastFailureTime: view.integer('latest failed attempt in the window; 0 when none'),
    pending: view.integer('events waiting for delivery now'),
    dead: view.integer('events dead-lettered now'),
  },
  'EndpointStats',
);
export type EndpointStats = ViewType<typeof EndpointStats>;

/** /callback/get_delivery_stats's data. */
export const DeliveryStats = view.object({
  from: view.integer(),
  to: view.integer(),
  bucketMs: view.integer(),
  endpoints: view.array(EndpointStats),
});
export type DeliveryStats = ViewType<typeof DeliveryStats>;

/** /callback/test_endpoint's data: a hook's example event sent to an endpoint, and how it was answered. */
export const EndpointTestResult = view.object({
  url: view.string('where it went'),
  statusCode: view.integer('0 when no response arrived'),
  durationMs: view.integer(),
  answer: view.string('the response body, at most 4 KB'),
  ok: view.boolean('delivered (after-hook), or answered allow or reject (before-hook)'),
  verdict: view.string('how huddle reads the answer'),
});
export type EndpointTestResult = ViewType<typeof EndpointTestResult>;
