// One message of huddle's GET /callback/live stream (server-sent events named `attempt`): a delivery
// attempt of an after-callback, as the instance recorded it. Shared by the server and the console.

export interface AttemptNotice {
  /** When the attempt was recorded (ms). */
  time: number;
  eventID: string;
  hook: string;
  /** The endpoint it went to (its name in the configuration). */
  endpoint: string;
  /** Where it was sent (signature masked). */
  url: string;
  groupID: string;
  attempt: number;
  /** delivered, failed (will retry) or dead. */
  outcome: string;
  /** 0: no HTTP response. */
  statusCode: number;
  durationMs: number;
  error: string;
}
