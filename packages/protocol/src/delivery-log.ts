// The delivery log as the admin API shows it (/webhook/list_events, /webhook/get_event). The server
// builds these views; the console and the `huddle deliveries` commands read them. No imports: the
// console type-checks this file as it is.

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface DeliveryEventView {
  eventID: string;
  hook: string;
  /** The endpoint it goes to; `command` is in that endpoint's dialect. */
  endpoint: string;
  command: string;
  groupID: string;
  operationID: string;
  status: DeliveryStatus;
  attempts: number;
  createTime: number;
  /** When the next attempt is due; 0 unless pending. */
  nextAttemptTime: number;
  /** When it was delivered or dead-lettered; 0 while pending. */
  finishTime: number;
  lastError: string;
}

export interface DeliveryAttemptView {
  attempt: number;
  startTime: number;
  durationMs: number;
  /** 0 when no HTTP response arrived (timeout, refused connection). */
  statusCode: number;
  outcome: string;
  error: string;
  responseExcerpt: string;
}

/** /webhook/get_event's data. */
export interface DeliveryEventDetail {
  event: DeliveryEventView & { payload: unknown };
  attempts: DeliveryAttemptView[];
}
