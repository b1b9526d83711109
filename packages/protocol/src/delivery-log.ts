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
  },
  'DeliveryAttemptView',
);
export type DeliveryAttemptView = ViewType<typeof DeliveryAttemptView>;

/** /callback/list_events's data. */
export const DeliveryEventPage = view.paged('events', DeliveryEventView);
export type DeliveryEventPage = ViewType<typeof DeliveryEventPage>;

/** /callback/get_event's data. */
export const DeliveryEventDetail = view.object({
  event: DeliveryEventView.extend({
    payload: view.anything('the callback body as stored: JSON, or the text when it is not JSON'),
  }),
  attempts: view.array(DeliveryAttemptView),
});
export type DeliveryEventDetail = ViewType<typeof DeliveryEventDetail>;
